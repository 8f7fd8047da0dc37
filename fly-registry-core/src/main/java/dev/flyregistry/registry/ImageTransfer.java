package dev.flyregistry.registry;

import dev.flyregistry.internal.http.RetryExecutor;
import dev.flyregistry.internal.registry.Failures;
import dev.flyregistry.internal.registry.Parallel;
import dev.flyregistry.internal.registry.RegistryTransport;
import dev.flyregistry.internal.registry.Scope;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import okhttp3.HttpUrl;
import okhttp3.Request;

/**
 * Pushes and copies whole images: every blob of the tree (the children of an index included) is
 * checked with {@code HEAD} and sent or mounted, at most {@code concurrency} at a time; then the
 * child manifests are stored by digest, then the root under the target's tag or digest.
 */
final class ImageTransfer {
  private static final int MAX_DEPTH = 8;
  private static final String OCI_NONDISTRIBUTABLE_LAYER =
      "application/vnd.oci.image.layer.nondistributable.v1.tar";

  private final RegistryClient client;
  private final RegistryTransport transport;
  private final BlobUploads uploads;
  private final int concurrency;

  ImageTransfer(
      RegistryClient client, RegistryTransport transport, BlobUploads uploads, int concurrency) {
    this.client = client;
    this.transport = transport;
    this.uploads = uploads;
    this.concurrency = concurrency;
  }

  /** Reads manifests of the thing being transferred. */
  private interface Manifests {
    Manifest root();

    Manifest child(Descriptor d);
  }

  PushResult push(ImageSource source, ImageReference target, PushProgress progress) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(progress, "progress");
    BlobUploads.Target t =
        new BlobUploads.Target(
            target.registry(), target.repository(), List.of(Scope.pullPush(target.repository())));
    BlobUploads.Origin origin =
        new BlobUploads.Origin() {
          @Override
          public <T> T withBlob(Descriptor blob, BlobUploads.BlobBody<T> body) {
            try (InputStream in = source.openBlob(blob)) {
              return body.apply(in);
            } catch (IOException e) {
              throw readFailure(blob, e);
            }
          }

          @Override
          public RuntimeException readFailure(Descriptor blob, IOException e) {
            return new ImageSourceException(
                source.description() + ": reading blob " + blob.digest() + " failed: " + e, e);
          }

          @Override
          public String toString() {
            return source.description();
          }
        };
    Manifests manifests =
        new Manifests() {
          @Override
          public Manifest root() {
            return source.manifest();
          }

          @Override
          public Manifest child(Descriptor d) {
            return source.manifest(d);
          }
        };
    BlobUploads.Stats stats = new BlobUploads.Stats();
    Descriptor root = transfer(manifests, origin, t, null, target, progress, stats);
    return new PushResult(
        target.withDigest(root.digest()),
        root,
        stats.uploaded.get(),
        stats.existing.get(),
        stats.manifests.get(),
        stats.bytesSent.get(),
        stats.bytesSkipped.get());
  }

  CopyResult copy(ImageReference source, ImageReference target, PushProgress progress) {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(progress, "progress");
    boolean sameRegistry =
        source
            .registry()
            .toLowerCase(Locale.ROOT)
            .equals(target.registry().toLowerCase(Locale.ROOT));
    // one token for everything on a single registry: pull,push on the target, pull on the source
    List<Scope> targetScopes =
        sameRegistry
            ? List.of(Scope.pullPush(target.repository()), Scope.pull(source.repository()))
            : List.of(Scope.pullPush(target.repository()));
    List<Scope> sourceScopes =
        sameRegistry ? targetScopes : List.of(Scope.pull(source.repository()));
    BlobUploads.Target t =
        new BlobUploads.Target(target.registry(), target.repository(), targetScopes);
    BlobUploads.Origin origin = new RegistryOrigin(source, sourceScopes);
    Manifests manifests =
        new Manifests() {
          @Override
          public Manifest root() {
            return client.manifest(source, sourceScopes);
          }

          @Override
          public Manifest child(Descriptor d) {
            return client.manifest(source.withDigest(d.digest()), sourceScopes);
          }
        };
    String mountFrom =
        sameRegistry && !source.repository().equals(target.repository())
            ? source.repository()
            : null;
    BlobUploads.Stats stats = new BlobUploads.Stats();
    Descriptor root = transfer(manifests, origin, t, mountFrom, target, progress, stats);
    return new CopyResult(
        source,
        target.withDigest(root.digest()),
        root,
        stats.mounted.get(),
        stats.uploaded.get(),
        stats.existing.get(),
        stats.manifests.get(),
        stats.bytesSent.get());
  }

  Descriptor tag(ImageReference ref, String newTag) {
    Objects.requireNonNull(ref, "ref");
    Objects.requireNonNull(newTag, "newTag");
    ImageReference tagged = ref.withTag(newTag); // validates the tag
    List<Scope> scopes = List.of(Scope.pullPush(ref.repository()));
    Manifest m = client.manifest(ref, scopes); // one token for the read and the write
    BlobUploads.Target t = new BlobUploads.Target(ref.registry(), ref.repository(), scopes);
    return uploads.putManifest(t, m, tagged.tag().orElseThrow());
  }

  private Descriptor transfer(
      Manifests manifests,
      BlobUploads.Origin origin,
      BlobUploads.Target t,
      String mountFrom,
      ImageReference target,
      PushProgress progress,
      BlobUploads.Stats stats) {
    Manifest root = manifests.root();
    if (target.digest().isPresent() && !target.digest().get().equals(root.digest())) {
      throw new IllegalArgumentException(
          "target "
              + target
              + " names digest "
              + target.digest().get()
              + " but the image's manifest is "
              + root.digest());
    }
    List<Manifest> children = new ArrayList<>();
    Map<Digest, Descriptor> blobs = new LinkedHashMap<>();
    collect(root, manifests, children, blobs, 0);

    Parallel.map(
        new ArrayList<>(blobs.values()),
        concurrency,
        "push",
        blob -> target.registry(),
        blob -> uploads.transfer(t, blob, origin, mountFrom, progress, stats));

    for (Manifest child : children) {
      Descriptor d = uploads.putManifest(t, child, child.digest().toString());
      stats.manifests.incrementAndGet();
      progress.manifestPushed(d, child.digest().toString());
    }
    String reference = target.tag().orElse(root.digest().toString());
    Descriptor d = uploads.putManifest(t, root, reference);
    stats.manifests.incrementAndGet();
    progress.manifestPushed(d, reference);
    return d;
  }

  /** Children in push order (deepest first), and every blob once. */
  private static void collect(
      Manifest m,
      Manifests manifests,
      List<Manifest> children,
      Map<Digest, Descriptor> blobs,
      int depth) {
    if (m instanceof ImageManifest im) {
      blobs.putIfAbsent(im.config().digest(), im.config());
      for (Descriptor l : im.layers()) {
        if (isForeign(l)) {
          continue; // foreign and non-distributable layers are fetched from their URLs, not pushed
        }
        blobs.putIfAbsent(l.digest(), l);
      }
      return;
    }
    if (m instanceof ManifestIndex index) {
      if (depth >= MAX_DEPTH) {
        throw new IllegalArgumentException("image indexes nest deeper than " + MAX_DEPTH);
      }
      for (Descriptor d : index.manifests()) {
        Manifest child = manifests.child(d);
        collect(child, manifests, children, blobs, depth + 1);
        if (children.stream().noneMatch(c -> c.digest().equals(child.digest()))) {
          children.add(child);
        }
      }
    }
  }

  /**
   * Whether a layer is not to be pushed: Docker's foreign layers and OCI's non-distributable ones
   * ({@code application/vnd.oci.image.layer.nondistributable.v1.tar}, {@code +gzip}, {@code
   * +zstd}), when they say where to fetch them from.
   */
  private static boolean isForeign(Descriptor d) {
    if (d.urls().isEmpty()) {
      return false;
    }
    String type = d.mediaType();
    return type.contains("foreign")
        || type.equals(OCI_NONDISTRIBUTABLE_LAYER)
        || type.startsWith(OCI_NONDISTRIBUTABLE_LAYER + "+");
  }

  /** Streams blobs from a repository of a registry: {@code GET /v2/<name>/blobs/<digest>}. */
  private final class RegistryOrigin implements BlobUploads.Origin {
    private final ImageReference source;
    private final List<Scope> scopes;

    RegistryOrigin(ImageReference source, List<Scope> scopes) {
      this.source = source;
      this.scopes = scopes;
    }

    @Override
    public <T> T withBlob(Descriptor blob, BlobUploads.BlobBody<T> body) {
      HttpUrl url =
          transport.blobUrl(source.registry(), source.repository(), blob.digest().toString());
      String op = "GET blob " + source.registry() + "/" + source.repository() + "@" + blob.digest();
      Failures.Context ctx = transport.context(source.registry(), source.repository());
      return transport.execute(
          source.registry(),
          source.repository(),
          scopes,
          op,
          () -> new Request.Builder().url(url).get(),
          RetryExecutor.Mode.IDEMPOTENT,
          response -> {
            if (!response.isSuccessful()) {
              throw transport.failure(ctx, op, response, scopes);
            }
            // the body runs the upload; its failures are unchecked, so this GET is never repeated
            // under a half-done upload
            return body.apply(response.body().byteStream());
          });
    }

    @Override
    public RuntimeException readFailure(Descriptor blob, IOException e) {
      return Failures.io(
          transport.context(source.registry(), source.repository()),
          "GET blob " + source.registry() + "/" + source.repository() + "@" + blob.digest(),
          e);
    }

    @Override
    public String toString() {
      return source.registry() + "/" + source.repository();
    }
  }
}
