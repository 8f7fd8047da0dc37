package dev.flyregistry.testing;

import dev.flyregistry.testing.TestImages.ImageSpec;
import dev.flyregistry.testing.TestImages.Layer;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The four {@link ManifestKind}s pushed with skopeo into one repository of a {@link LocalRegistry}:
 * an OCI layout with a single-platform image (two layers) and a linux/amd64 + linux/arm64 index is
 * written, then pushed as each kind under {@link ManifestKind#tag()}.
 */
public final class PushedImages {

  /** Layout tag of the single-platform image. */
  public static final String IMAGE_TAG = "image";

  /** Layout tag of the multi-platform index. */
  public static final String INDEX_TAG = "index";

  private final LocalRegistry registry;
  private final String repository;
  private final OciLayout layout;
  private final Map<ManifestKind, String> refs;

  private PushedImages(
      LocalRegistry registry, String repository, OciLayout layout, Map<ManifestKind, String> refs) {
    this.registry = registry;
    this.repository = repository;
    this.layout = layout;
    this.refs = refs;
  }

  /**
   * Writes the layout under {@code workDir} and pushes all four kinds.
   *
   * @param registry the registry
   * @param skopeo the skopeo runner
   * @param auth credentials that may push
   * @param workDir a directory for the layout
   * @param repository the repository to push into
   * @return what was pushed
   */
  public static PushedImages push(
      LocalRegistry registry, Skopeo skopeo, Skopeo.Auth auth, Path workDir, String repository) {
    OciLayout layout = TestImages.ociLayout(workDir.resolve("layout"));
    layout.addImage(
        IMAGE_TAG,
        ImageSpec.linux("amd64").withLayer(Layer.random("opt/app/data.bin", 256 * 1024, 1)));
    layout.addIndex(INDEX_TAG, List.of(ImageSpec.linux("amd64"), ImageSpec.linux("arm64")));
    Map<ManifestKind, String> refs = new EnumMap<>(ManifestKind.class);
    for (ManifestKind kind : ManifestKind.values()) {
      String ref = registry.ref(repository + ":" + kind.tag());
      skopeo.pushOciLayout(
          layout.dir(),
          kind.multiPlatform() ? INDEX_TAG : IMAGE_TAG,
          ref,
          auth,
          kind.format(),
          kind.multiPlatform());
      refs.put(kind, ref);
    }
    return new PushedImages(registry, repository, layout, refs);
  }

  /**
   * @param kind a manifest kind
   * @return {@code 127.0.0.1:PORT/repository:tag} where that kind was pushed
   */
  public String ref(ManifestKind kind) {
    return refs.get(kind);
  }

  /**
   * @return the repository the images were pushed into
   */
  public String repository() {
    return repository;
  }

  /**
   * @return the registry
   */
  public LocalRegistry registry() {
    return registry;
  }

  /**
   * @return the OCI layout the images came from
   */
  public OciLayout layout() {
    return layout;
  }
}
