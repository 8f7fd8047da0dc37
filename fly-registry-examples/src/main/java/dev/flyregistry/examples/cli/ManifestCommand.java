package dev.flyregistry.examples.cli;

import dev.flyregistry.registry.Descriptor;
import dev.flyregistry.registry.ImageReference;
import dev.flyregistry.registry.Manifest;
import dev.flyregistry.registry.ManifestIndex;
import dev.flyregistry.registry.RegistryClient;
import dev.flyregistry.registry.RegistryException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code flyreg manifest}: manifests. */
@Command(
    mixinStandardHelpOptions = true,
    name = "manifest",
    description = "Read image manifests.",
    subcommands = ManifestCommand.Inspect.class)
final class ManifestCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "a subcommand is required: inspect");
  }

  /** {@code flyreg manifest inspect REF}. */
  @Command(
      name = "inspect",
      description = {
        "Print an image's manifest (or manifest list / index) as `docker manifest inspect` does.",
        "Exits 1 with a one-line message on stderr when the image does not exist."
      })
  static final class Inspect extends BaseCommand {
    @Parameters(paramLabel = "REF", description = "The image reference.")
    String text;

    @Option(
        names = {"-v", "--verbose"},
        description =
            "Also print the digest, media type and size, and the platform: of the image (from"
                + " its configuration) or of each image of a manifest list or index.")
    boolean verbose;

    private ImageReference ref;

    @Override
    void validate() {
      ref = Refs.parse(this, "REF", text);
    }

    @Override
    int run(Session session) {
      ImageReference resolved = session.resolve(ref);
      RegistryClient registry = session.registry(java.util.List.of(resolved));
      Manifest manifest;
      try {
        manifest = registry.manifest(resolved);
      } catch (RegistryException e) {
        if (ExitCodes.isNotFound(e)) {
          throw new ExitCodes.CliException(ExitCodes.NOT_FOUND, "no such manifest: " + text, e);
        }
        throw e;
      }
      var body = Json.parse(manifest.bytes());
      if (!verbose) {
        session.out().println(Json.pretty(body));
        return ExitCodes.OK;
      }
      var out = Json.object().put("Ref", resolved.toString());
      var descriptor = out.putObject("Descriptor");
      descriptor
          .put("mediaType", manifest.mediaType())
          .put("digest", manifest.digest().toString())
          .put("size", manifest.size());
      if (manifest instanceof ManifestIndex index) {
        var platforms = descriptor.putArray("platforms");
        for (Descriptor child : index.manifests()) {
          child.platform().ifPresent(p -> platforms.add(p.toString()));
        }
      } else {
        // a single image names its platform in its configuration blob
        descriptor.put(
            "platform",
            registry.config(resolved.withDigest(manifest.digest())).platform().toString());
      }
      out.set("Manifest", body);
      session.out().println(Json.pretty(out));
      return ExitCodes.OK;
    }
  }
}
