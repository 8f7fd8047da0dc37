package dev.flyregistry.examples.cli;

import dev.flyregistry.registry.Descriptor;
import dev.flyregistry.registry.ImageReference;
import dev.flyregistry.registry.InvalidReferenceException;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code flyreg tag REF NEW_TAG}. */
@Command(
    name = "tag",
    description = {
      "Give an image another tag in its repository (the manifest's bytes and digest are kept)."
    })
final class TagCommand extends BaseCommand {
  @Parameters(index = "0", paramLabel = "REF", description = "The image.")
  String refText;

  @Parameters(index = "1", paramLabel = "NEW_TAG", description = "The new tag.")
  String newTag;

  private ImageReference ref;

  @Override
  void validate() {
    ref = Refs.parse(this, "REF", refText);
    try {
      ref.withTag(newTag);
    } catch (InvalidReferenceException e) {
      throw usage("NEW_TAG: " + e.getMessage());
    }
  }

  @Override
  int run(Session session) {
    ImageReference resolved = session.resolve(ref);
    Descriptor tagged = session.registry(List.of(resolved)).tag(resolved, newTag);
    ImageReference result = ref.withTag(newTag);
    if (session.json()) {
      session
          .out()
          .println(
              Json.pretty(
                  Json.object()
                      .put("reference", result.toString())
                      .put("digest", tagged.digest().toString())
                      .put("mediaType", tagged.mediaType())
                      .put("size", tagged.size())));
    } else {
      session.out().println("Tagged " + refText + " as " + result + " (" + tagged.digest() + ")");
    }
    return ExitCodes.OK;
  }
}
