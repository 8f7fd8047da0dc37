package dev.flyregistry.registry;

import dev.flyregistry.internal.registry.source.Sources;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Where an image to push comes from: an OCI image layout directory, a {@code docker save} archive,
 * or any other implementation that can hand out manifests and blobs.
 *
 * <p>A source exposes its root manifest (an image manifest or an index) with its exact bytes, the
 * child manifests of an index, and every blob as a stream of known size and digest (both in the
 * blob's {@link Descriptor}). Pushing verifies each blob's digest while it streams, so a source
 * never needs to hold a blob in memory.
 *
 * <p>Implementations must be safe to use from several threads at once: a push reads different blobs
 * concurrently. {@link #openBlob} is called again when an upload is retried.
 *
 * <pre>{@code
 * ImageSource layout = ImageSource.ociLayout(Path.of("build/image"), "v1");
 * ImageSource saved = ImageSource.dockerArchive(Path.of("app.tar"));
 * ImageSource fromCli = ImageSource.parse("build/image:v1");
 * }</pre>
 */
public interface ImageSource {

  /**
   * The root manifest: what the target reference will point at.
   *
   * @return the manifest, with its exact bytes and media type
   * @throws ImageSourceException when the source cannot provide it
   */
  Manifest manifest();

  /**
   * A manifest an index of this source refers to.
   *
   * @param descriptor an entry of {@link ManifestIndex#manifests()} of a manifest of this source
   * @return the manifest, with its exact bytes
   * @throws ImageSourceException when the source does not hold it or it is not a valid manifest
   */
  Manifest manifest(Descriptor descriptor);

  /**
   * Opens a blob (a config or a layer) of this source. The caller closes the stream.
   *
   * @param descriptor a config or layer descriptor of a manifest of this source
   * @return a stream of the blob's {@link Descriptor#size()} bytes
   * @throws ImageSourceException when the source does not hold the blob
   */
  InputStream openBlob(Descriptor descriptor);

  /**
   * @return a short description for messages and logs ({@code OCI layout build/image, image v1})
   */
  String description();

  /**
   * An OCI image layout directory holding exactly one image: one entry in {@code index.json}, or
   * several entries that all name the same manifest digest (one image under several ref names).
   *
   * @param dir the layout directory (with {@code index.json} and {@code blobs/})
   * @return the source; {@code index.json} is read now
   * @throws ImageSourceException when the directory is not a layout, or holds several images
   *     ({@link ImageSourceException#availableNames()} then lists their names)
   */
  static ImageSource ociLayout(Path dir) {
    return Sources.ociLayout(dir, null);
  }

  /**
   * The image of an OCI image layout whose {@code org.opencontainers.image.ref.name} annotation in
   * {@code index.json} is {@code refName}.
   *
   * @param dir the layout directory
   * @param refName the ref name (often a tag such as {@code v1}); null to require a single image
   * @return the source; {@code index.json} is read now
   * @throws ImageSourceException when the directory is not a layout or no image has that name
   *     ({@link ImageSourceException#availableNames()} lists the names present)
   */
  static ImageSource ociLayout(Path dir, String refName) {
    return Sources.ociLayout(dir, refName);
  }

  /**
   * A {@code docker save} archive holding one image (possibly under several tags).
   *
   * <p>Two formats are read. When the archive contains an OCI layout ({@code index.json} and {@code
   * blobs/}, as written by Docker 25 and later, or an OCI archive), its image is used as it is.
   * Otherwise the legacy format is read: {@code manifest.json} names the config and the layer tars,
   * and the source presents a Docker v2 manifest (schema 2) whose config is the archive's config
   * file and whose layers are the layer tars, uncompressed, with media type {@code
   * application/vnd.docker.image.rootfs.diff.tar} and the digests of the config's {@code
   * rootfs.diff_ids}. Layers are not recompressed: the archive's bytes go to the registry as they
   * are, so the manifest and its digest are the same on every run, at the price of larger uploads.
   *
   * <p>The archive's headers are scanned once; blobs are read straight from the file when pushed.
   *
   * @param tar the archive
   * @return the source
   * @throws ImageSourceException when the file is not such an archive or holds several images
   */
  static ImageSource dockerArchive(Path tar) {
    return Sources.dockerArchive(tar, null);
  }

  /**
   * One image of a {@code docker save} archive that holds several: the one tagged {@code name} (an
   * entry of {@code RepoTags} in {@code manifest.json}, such as {@code my-app:v1}) or, for an
   * archive holding an OCI layout, the one whose {@code org.opencontainers.image.ref.name} is
   * {@code name}.
   *
   * @param tar the archive
   * @param name the image's name; null to require a single image
   * @return the source
   * @throws ImageSourceException when the file is not such an archive or no image has that name
   * @see #dockerArchive(Path)
   */
  static ImageSource dockerArchive(Path tar, String name) {
    return Sources.dockerArchive(tar, name);
  }

  /**
   * Parses the command-line form of a source: {@code DIR} (an OCI layout holding one image), {@code
   * DIR:NAME} (the layout's image whose {@code org.opencontainers.image.ref.name} is NAME), {@code
   * FILE} (a {@code docker save} or OCI archive) or {@code FILE:NAME}. A path that exists as
   * written wins over a split at its last colon.
   *
   * @param spec the source as typed by a user
   * @return the source
   * @throws ImageSourceException when neither the path nor the part before the last colon exists,
   *     or the file is not a layout or archive
   */
  static ImageSource parse(String spec) {
    return Sources.parse(spec);
  }
}
