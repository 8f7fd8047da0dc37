package dev.flyregistry.registry;

import java.util.Objects;

/**
 * What a copy stored. Within one registry every blob is mounted, so {@link #bytesSent()} is 0 when
 * the registry honours mounts.
 *
 * @param source the reference copied from
 * @param target the reference copied to, with the manifest's digest added
 * @param manifest the root manifest's descriptor (the same digest as the source's)
 * @param blobsMounted blobs mounted from the source repository (no bytes moved)
 * @param blobsCopied blobs streamed from the source to the target
 * @param blobsExisting blobs the target already had
 * @param manifestsPushed manifests stored (the children of an index, and the root)
 * @param bytesSent bytes of blob data sent to the target in request bodies
 */
public record CopyResult(
    ImageReference source,
    ImageReference target,
    Descriptor manifest,
    int blobsMounted,
    int blobsCopied,
    int blobsExisting,
    int manifestsPushed,
    long bytesSent) {

  /**
   * Checks the components.
   *
   * @param source the reference copied from
   * @param target the reference copied to, with the manifest's digest added
   * @param manifest the root manifest's descriptor (the same digest as the source's)
   * @param blobsMounted blobs mounted from the source repository (no bytes moved)
   * @param blobsCopied blobs streamed from the source to the target
   * @param blobsExisting blobs the target already had
   * @param manifestsPushed manifests stored (the children of an index, and the root)
   * @param bytesSent bytes of blob data sent to the target in request bodies
   */
  public CopyResult {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(manifest, "manifest");
  }

  /**
   * @return the copied manifest's digest
   */
  public Digest digest() {
    return manifest.digest();
  }
}
