package dev.flyregistry.registry;

import java.util.Objects;

/**
 * What a push stored.
 *
 * @param target the reference pushed to, with the pushed manifest's digest added
 * @param manifest the root manifest's descriptor (digest, media type, size)
 * @param blobsUploaded blobs whose bytes were sent
 * @param blobsExisting blobs the target already had (skipped after a {@code HEAD})
 * @param manifestsPushed manifests stored (the children of an index, and the root)
 * @param bytesSent bytes of blob data sent in request bodies, retried sessions included
 * @param bytesSkipped total size of the blobs that were not sent because the target had them
 */
public record PushResult(
    ImageReference target,
    Descriptor manifest,
    int blobsUploaded,
    int blobsExisting,
    int manifestsPushed,
    long bytesSent,
    long bytesSkipped) {

  /**
   * Checks the components.
   *
   * @param target the reference pushed to, with the pushed manifest's digest added
   * @param manifest the root manifest's descriptor (digest, media type, size)
   * @param blobsUploaded blobs whose bytes were sent
   * @param blobsExisting blobs the target already had (skipped after a {@code HEAD})
   * @param manifestsPushed manifests stored (the children of an index, and the root)
   * @param bytesSent bytes of blob data sent in request bodies, retried sessions included
   * @param bytesSkipped total size of the blobs that were not sent because the target had them
   */
  public PushResult {
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(manifest, "manifest");
  }

  /**
   * @return the pushed manifest's digest
   */
  public Digest digest() {
    return manifest.digest();
  }
}
