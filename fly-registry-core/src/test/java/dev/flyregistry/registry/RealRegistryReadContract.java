package dev.flyregistry.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.flyregistry.auth.Credentials;
import dev.flyregistry.http.HttpSettings;
import dev.flyregistry.testing.LocalRegistry;
import dev.flyregistry.testing.ManifestKind;
import dev.flyregistry.testing.PushedImages;
import dev.flyregistry.testing.Skopeo;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The registry read path against the real CNCF distribution registry, with skopeo as the reference:
 * what {@link RegistryClient} reports for each manifest kind must equal what {@code skopeo inspect
 * --raw} returns. Subclasses choose the registry's auth mode (their registry starts once per class
 * through a {@link dev.flyregistry.testing.LocalRegistryExtension}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RealRegistryReadContract {

  /** Repository holding the four manifest kinds. */
  static final String REPO = "app-1";

  /** Repositories holding {@link #BULK_TAGS} tags each, for the bulk check and tag listing. */
  static final List<String> BULK_REPOS = List.of("bulk/one", "bulk/two");

  static final int BULK_TAGS = 10;

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * @return the running registry of the subclass
   */
  abstract LocalRegistry registry();

  /**
   * @return how skopeo authenticates (push and inspect)
   */
  abstract Skopeo.Auth skopeoAuth();

  /**
   * @return how the SDK authenticates
   */
  abstract Credentials credentials();

  Skopeo skopeo;
  Path workDir;
  PushedImages images;
  RegistryClient client;
  final Map<ManifestKind, byte[]> rawBySkopeo = new EnumMap<>(ManifestKind.class);
  final Map<String, List<String>> bulkTags = new HashMap<>();

  @BeforeAll
  void pushImages() throws IOException {
    skopeo = Skopeo.create();
    workDir = Files.createTempDirectory("real-registry-read-");
    images = PushedImages.push(registry(), skopeo, skopeoAuth(), workDir, REPO);
    for (ManifestKind kind : ManifestKind.values()) {
      rawBySkopeo.put(kind, skopeo.inspectRaw(images.ref(kind), skopeoAuth()));
    }
    for (String repo : BULK_REPOS) {
      List<String> tags = new ArrayList<>();
      for (int i = 0; i < BULK_TAGS; i++) {
        String tag = "t" + i;
        skopeo.pushOciLayout(
            images.layout().dir(),
            PushedImages.IMAGE_TAG,
            registry().ref(repo + ":" + tag),
            skopeoAuth(),
            Skopeo.Format.KEEP,
            false);
        tags.add(tag);
      }
      bulkTags.put(repo, tags);
    }
    client = newClient(credentials());
  }

  @AfterAll
  void closeClient() {
    if (client != null) {
      client.close();
    }
    deleteTree(workDir);
  }

  RegistryClient newClient(Credentials credentials) {
    return RegistryClient.builder().credentials(credentials).http(HttpSettings.defaults()).build();
  }

  ImageReference ref(String repositoryAndReference) {
    return ImageReference.parse(registry().ref(repositoryAndReference));
  }

  @ParameterizedTest
  @EnumSource(ManifestKind.class)
  void headReportsWhatSkopeoReads(ManifestKind kind) throws IOException {
    byte[] raw = rawBySkopeo.get(kind);
    String mediaTypeInJson = JSON.readTree(raw).path("mediaType").asText();
    assertThat(mediaTypeInJson).as("skopeo pushed a " + kind).isEqualTo(kind.mediaType());

    Optional<Descriptor> head = client.head(ImageReference.parse(images.ref(kind)));

    assertThat(head).isPresent();
    assertThat(head.get().digest()).isEqualTo(Digest.sha256(raw));
    assertThat(head.get().mediaType()).isEqualTo(mediaTypeInJson);
    assertThat(head.get().size()).isEqualTo(raw.length);
    assertThat(client.exists(ImageReference.parse(images.ref(kind)))).isTrue();
  }

  @ParameterizedTest
  @EnumSource(ManifestKind.class)
  void manifestReturnsTheIdenticalBytes(ManifestKind kind) {
    byte[] raw = rawBySkopeo.get(kind);

    Manifest manifest = client.manifest(ImageReference.parse(images.ref(kind)));

    assertThat(manifest.bytes()).isEqualTo(raw);
    assertThat(manifest.digest()).isEqualTo(Digest.sha256(raw));
    assertThat(manifest.size()).isEqualTo(raw.length);
    assertThat(manifest.mediaType()).isEqualTo(kind.mediaType());
    Class<?> expectedType =
        switch (kind) {
          case OCI_MANIFEST -> OciManifest.class;
          case DOCKER_MANIFEST -> DockerManifest.class;
          case OCI_INDEX -> OciIndex.class;
          case DOCKER_MANIFEST_LIST -> DockerManifestList.class;
        };
    assertThat(manifest).isInstanceOf(expectedType);
  }

  @ParameterizedTest
  @EnumSource(ManifestKind.class)
  void byDigestReferencesFindTheSameManifest(ManifestKind kind) {
    byte[] raw = rawBySkopeo.get(kind);
    ImageReference byDigest = ref(REPO + "@" + Digest.sha256(raw));

    assertThat(client.head(byDigest).map(Descriptor::digest)).hasValue(Digest.sha256(raw));
    assertThat(client.manifest(byDigest).bytes()).isEqualTo(raw);
  }

  @ParameterizedTest
  @EnumSource(
      value = ManifestKind.class,
      names = {"OCI_INDEX", "DOCKER_MANIFEST_LIST"})
  void everyPlatformManifestOfAnIndexIsThere(ManifestKind kind) throws IOException {
    Manifest manifest = client.manifest(ImageReference.parse(images.ref(kind)));
    assertThat(manifest).isInstanceOf(ManifestIndex.class);
    List<Descriptor> children = ((ManifestIndex) manifest).manifests();
    assertThat(children).hasSize(2);
    List<String> platforms = new ArrayList<>();
    for (Descriptor child : children) {
      ImageReference childRef = ref(REPO + "@" + child.digest());
      byte[] raw = skopeo.inspectRaw(registry().ref(REPO + "@" + child.digest()), skopeoAuth());
      Optional<Descriptor> head = client.head(childRef);
      assertThat(head).isPresent();
      assertThat(head.get().digest()).isEqualTo(Digest.sha256(raw));
      assertThat(head.get().size()).isEqualTo(raw.length);
      assertThat(head.get().mediaType()).isEqualTo(child.mediaType());
      assertThat(client.manifest(childRef)).isInstanceOf(ImageManifest.class);
      platforms.add(child.platform().map(p -> p.os() + "/" + p.architecture()).orElse("?"));
    }
    assertThat(platforms).containsExactlyInAnyOrder("linux/amd64", "linux/arm64");
  }

  @ParameterizedTest
  @EnumSource(ManifestKind.class)
  void configIsTheBlobSkopeoReadsForEachPlatform(ManifestKind kind) {
    List<String> architectures =
        kind.multiPlatform() ? List.of("amd64", "arm64") : List.of("amd64");
    for (String arch : architectures) {
      byte[] raw = skopeo.inspectConfigRaw(images.ref(kind), arch, skopeoAuth());

      ImageConfig config =
          client.config(ImageReference.parse(images.ref(kind)), Platform.of("linux", arch));

      assertThat(config.json().getBytes(java.nio.charset.StandardCharsets.UTF_8)).isEqualTo(raw);
      assertThat(config.digest()).isEqualTo(Digest.sha256(raw));
      assertThat(config.platform()).isEqualTo(Platform.of("linux", arch));
      assertThat(config.cmd()).isNotEmpty();
      assertThat(config.diffIds()).isNotEmpty();
    }
    if (kind.multiPlatform()) {
      assertThatThrownBy(
              () ->
                  client.config(
                      ImageReference.parse(images.ref(kind)), Platform.of("linux", "riscv64")))
          .isInstanceOf(PlatformNotFoundException.class)
          .hasMessageContaining("linux/amd64, linux/arm64");
    }
  }

  @Test
  void aMissingTagIsEmptyNotAnError() {
    assertThat(client.head(ref(REPO + ":no-such-tag"))).isEmpty();
    assertThat(client.exists(ref(REPO + ":no-such-tag"))).isFalse();
  }

  @Test
  void aMissingRepositoryOrDigestIsEmpty() {
    assertThat(client.head(ref("no-such-repo:v1"))).isEmpty();
    assertThat(client.head(ref(REPO + "@sha256:" + "0".repeat(64)))).isEmpty();
  }

  @Test
  void fetchingAMissingManifestIsA404WithTheRegistrysCode() {
    assertThatThrownBy(() -> client.manifest(ref(REPO + ":no-such-tag")))
        .isInstanceOfSatisfying(
            RegistryException.class,
            e -> {
              assertThat(e.status()).isEqualTo(404);
              assertThat(e.hasCode(RegistryErrorCode.MANIFEST_UNKNOWN)).isTrue();
              assertThat(e.repository()).hasValue(REPO);
            });
  }

  @Test
  void existsAllOverAThousandReferencesFindsExactlyThePushedOnes() throws IOException {
    Set<ImageReference> present = new LinkedHashSet<>();
    for (Map.Entry<String, List<String>> e : bulkTags.entrySet()) {
      for (String tag : e.getValue()) {
        present.add(ref(e.getKey() + ":" + tag));
      }
    }
    for (ManifestKind kind : ManifestKind.values()) {
      present.add(ImageReference.parse(images.ref(kind)));
      present.add(ref(REPO + "@" + Digest.sha256(rawBySkopeo.get(kind))));
    }
    Set<ImageReference> all = new LinkedHashSet<>(present);
    Random random = new Random(1000);
    int n = 0;
    while (all.size() < 1000) {
      switch (n % 4) {
        case 0 -> all.add(ref(BULK_REPOS.get(n % 2) + ":missing-" + n)); // missing tag
        case 1 -> all.add(ref("missing-repo-" + n + ":t0")); // missing repository
        case 2 -> all.add(ref(REPO + ":gone-" + n)); // missing tag beside present ones
        default -> { // missing digest
          byte[] b = new byte[32];
          random.nextBytes(b);
          all.add(ref(REPO + "@" + Digest.sha256(b)));
        }
      }
      n++;
    }
    List<ImageReference> shuffled = new ArrayList<>(all);
    Collections.shuffle(shuffled, random);
    Digest imageDigest = Digest.sha256(rawBySkopeo.get(ManifestKind.OCI_MANIFEST));

    Map<ImageReference, Optional<Descriptor>> result = client.existsAll(shuffled);

    assertThat(result).hasSize(1000);
    assertThat(result.keySet()).containsExactlyInAnyOrderElementsOf(shuffled);
    Set<ImageReference> found = new LinkedHashSet<>();
    result.forEach(
        (r, d) -> {
          if (d.isPresent()) {
            found.add(r);
          }
        });
    assertThat(found).containsExactlyInAnyOrderElementsOf(present);
    for (Map.Entry<String, List<String>> e : bulkTags.entrySet()) {
      for (String tag : e.getValue()) {
        assertThat(result.get(ref(e.getKey() + ":" + tag)).orElseThrow().digest())
            .isEqualTo(imageDigest);
      }
    }
  }

  @Test
  void tagsListsThePushedTags() {
    for (String repo : BULK_REPOS) {
      assertThat(client.tags(ref(repo + ":ignored")))
          .containsExactlyInAnyOrderElementsOf(bulkTags.get(repo));
    }
    List<String> kindTags = new ArrayList<>();
    for (ManifestKind kind : ManifestKind.values()) {
      kindTags.add(kind.tag());
    }
    assertThat(client.tags(ref(REPO + ":latest"))).containsExactlyInAnyOrderElementsOf(kindTags);
  }

  @Test
  void skopeoAgreesWithTheTagList() throws IOException {
    JsonNode listed =
        JSON.readTree(skopeo.listTagsJson(registry().ref(BULK_REPOS.get(0)), skopeoAuth()));
    List<String> skopeoTags = new ArrayList<>();
    listed.path("Tags").forEach(t -> skopeoTags.add(t.asText()));
    assertThat(client.tags(ref(BULK_REPOS.get(0) + ":x")))
        .containsExactlyInAnyOrderElementsOf(skopeoTags);
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (var paths = Files.walk(dir)) {
      paths.sorted(Collections.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort
    }
  }
}
