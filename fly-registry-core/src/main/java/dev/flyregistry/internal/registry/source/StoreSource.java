package dev.flyregistry.internal.registry.source;

import dev.flyregistry.registry.Descriptor;
import dev.flyregistry.registry.Digest;
import dev.flyregistry.registry.ImageSource;
import dev.flyregistry.registry.ImageSourceException;
import dev.flyregistry.registry.Manifest;
import dev.flyregistry.registry.ManifestFormatException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.util.Map;
import java.util.OptionalLong;

/**
 * An image held in a {@link Store}: blobs under {@code blobs/<algorithm>/<hex>} (OCI layout) or at
 * names given explicitly (legacy {@code docker save} archives). Immutable and thread-safe.
 */
final class StoreSource implements ImageSource {
  /** Registries refuse manifests over 4 MiB; so does this source. */
  static final long MAX_MANIFEST = 4L << 20;

  private final Store store;
  private final String description;
  private final Manifest root;
  private final Map<Digest, String> names;

  StoreSource(Store store, String description, Manifest root, Map<Digest, String> names) {
    this.store = store;
    this.description = description;
    this.root = root;
    this.names = Map.copyOf(names);
  }

  static String blobPath(Digest d) {
    return "blobs/" + d.algorithm() + "/" + d.hex();
  }

  private String nameOf(Digest d) {
    return names.getOrDefault(d, blobPath(d));
  }

  @Override
  public Manifest manifest() {
    return root;
  }

  @Override
  public Manifest manifest(Descriptor descriptor) {
    return readManifest(store, descriptor, nameOf(descriptor.digest()), description);
  }

  /** Reads a manifest blob, checks its size and digest, parses it. */
  static Manifest readManifest(Store store, Descriptor d, String name, String description) {
    if (d.size() > MAX_MANIFEST) {
      throw new ImageSourceException(
          description + ": manifest " + d.digest() + " is " + d.size() + " bytes, over 4 MiB",
          null);
    }
    byte[] bytes;
    try {
      OptionalLong size = store.size(name);
      if (size.isEmpty()) {
        throw new ImageSourceException(
            description + ": manifest " + d.digest() + " is missing (" + store.where(name) + ")",
            null);
      }
      bytes = store.read(name, MAX_MANIFEST);
    } catch (IOException e) {
      throw new ImageSourceException(
          description
              + ": cannot read manifest "
              + d.digest()
              + " ("
              + store.where(name)
              + "): "
              + e.getMessage(),
          e);
    }
    if (bytes.length != d.size()) {
      throw new ImageSourceException(
          description
              + ": manifest "
              + d.digest()
              + " is "
              + bytes.length
              + " bytes but its descriptor says "
              + d.size()
              + " ("
              + store.where(name)
              + ")",
          null);
    }
    if (!d.digest().matches(bytes)) {
      throw new ImageSourceException(
          description + ": manifest " + store.where(name) + " does not hash to " + d.digest(),
          null);
    }
    try {
      return Manifest.parse(bytes, d.mediaType());
    } catch (ManifestFormatException e) {
      throw new ImageSourceException(
          description + ": manifest " + d.digest() + " is invalid: " + e.getMessage(), e);
    }
  }

  @Override
  public InputStream openBlob(Descriptor descriptor) {
    String name = nameOf(descriptor.digest());
    try {
      OptionalLong size = store.size(name);
      if (size.isEmpty()) {
        throw new ImageSourceException(
            description
                + ": blob "
                + descriptor.digest()
                + " is missing ("
                + store.where(name)
                + ")",
            null);
      }
      if (size.getAsLong() != descriptor.size()) {
        throw new ImageSourceException(
            description
                + ": blob "
                + descriptor.digest()
                + " is "
                + size.getAsLong()
                + " bytes but its descriptor says "
                + descriptor.size()
                + " ("
                + store.where(name)
                + ")",
            null);
      }
      return store.open(name);
    } catch (NoSuchFileException e) {
      throw new ImageSourceException(
          description + ": blob " + descriptor.digest() + " is missing (" + store.where(name) + ")",
          e);
    } catch (IOException e) {
      throw new ImageSourceException(
          description + ": cannot open blob " + descriptor.digest() + ": " + e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw new ImageSourceException(
          description + ": cannot open blob " + descriptor.digest() + ": " + e.getMessage(), e);
    }
  }

  @Override
  public String description() {
    return description;
  }

  @Override
  public String toString() {
    return description;
  }
}
