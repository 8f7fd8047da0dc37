package dev.flyregistry.examples.cli;

import dev.flyregistry.registry.ImageReference;
import dev.flyregistry.registry.ImageSource;
import dev.flyregistry.registry.ImageSourceException;
import dev.flyregistry.registry.PushResult;
import dev.flyregistry.registry.RegistryClient;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code flyreg push SOURCE REF}. */
@Command(
    name = "push",
    description = {
      "Push an image, like `docker push`, with a progress bar on stderr.",
      "SOURCE is an OCI image layout directory (DIR when it holds one image, DIR:NAME for the"
          + " image whose org.opencontainers.image.ref.name is NAME) or a `docker save` tar"
          + " (FILE or FILE:NAME).",
      "Prints '<tag>: digest: <digest> size: <size>' as docker push does."
    })
final class PushCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "SOURCE", description = "DIR, DIR:NAME or FILE.tar.")
  String sourceText;

  @Parameters(index = "1", paramLabel = "REF", description = "Where to push.")
  String refText;

  @Option(names = "--no-progress", description = "Print no progress.")
  boolean noProgress;

  private ImageReference ref;
  private ImageSource source;

  @Override
  void validate() {
    ref = Refs.parse(this, "REF", refText);
    try {
      source = ImageSource.parse(sourceText);
    } catch (ImageSourceException e) {
      throw usage("SOURCE: " + e.getMessage());
    }
  }

  @Override
  int run(Session session) {
    ImageReference target = session.resolve(ref);
    RegistryClient registry = session.registry(List.of(target));
    ProgressBar bar = new ProgressBar(session.err(), Flyreg.of(spec).interactive());
    PushResult result;
    try {
      result =
          noProgress || session.json()
              ? registry.push(source, target)
              : registry.push(source, target, bar);
    } finally {
      bar.finish();
    }
    if (session.json()) {
      session
          .out()
          .println(
              Json.pretty(
                  Json.object()
                      .put("reference", result.target().toString())
                      .put("digest", result.digest().toString())
                      .put("mediaType", result.manifest().mediaType())
                      .put("size", result.manifest().size())
                      .put("blobsUploaded", result.blobsUploaded())
                      .put("blobsExisting", result.blobsExisting())
                      .put("bytesSent", result.bytesSent())));
    } else {
      session
          .out()
          .println(
              ref.tag().orElse(ref.reference())
                  + ": digest: "
                  + result.digest()
                  + " size: "
                  + result.manifest().size());
    }
    return ExitCodes.OK;
  }
}
