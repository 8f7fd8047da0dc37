package dev.flyregistry.examples.cli;

import dev.flyregistry.registry.CopyResult;
import dev.flyregistry.registry.ImageReference;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code flyreg copy SOURCE_REF TARGET_REF}. */
@Command(
    name = "copy",
    description = {
      "Copy an image to another repository, keeping its digest. Within one registry (apps of one"
          + " organization) the blobs are mounted: no layer bytes move."
    })
final class CopyCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "SOURCE_REF", description = "The image to copy.")
  String sourceText;

  @Parameters(index = "1", paramLabel = "TARGET_REF", description = "Where to copy it.")
  String targetText;

  private ImageReference source;
  private ImageReference target;

  @Override
  void validate() {
    source = Refs.parse(this, "SOURCE_REF", sourceText);
    target = Refs.parse(this, "TARGET_REF", targetText);
  }

  @Override
  int run(Session session) {
    ImageReference from = session.resolve(source);
    ImageReference to = session.resolve(target);
    CopyResult result = session.registry(List.of(from, to)).copy(from, to);
    if (session.json()) {
      session
          .out()
          .println(
              Json.pretty(
                  Json.object()
                      .put("source", from.toString())
                      .put("target", to.toString())
                      .put("digest", result.digest().toString())
                      .put("blobsMounted", result.blobsMounted())
                      .put("blobsCopied", result.blobsCopied())
                      .put("blobsExisting", result.blobsExisting())
                      .put("bytesSent", result.bytesSent())));
    } else {
      session
          .out()
          .println(
              "Copied "
                  + sourceText
                  + " to "
                  + targetText
                  + " ("
                  + result.digest()
                  + "): "
                  + result.blobsMounted()
                  + " blob(s) mounted, "
                  + result.blobsCopied()
                  + " copied, "
                  + result.blobsExisting()
                  + " already there, "
                  + result.bytesSent()
                  + " bytes sent");
    }
    return ExitCodes.OK;
  }
}
