package dev.flyregistry.examples.cli;

import dev.flyregistry.registry.Descriptor;
import dev.flyregistry.registry.ImageReference;
import dev.flyregistry.registry.RegistryClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code flyreg exists REF...}. */
@Command(
    name = "exists",
    description = {
      "Check that images exist, with HEAD requests (run concurrently; not counted as pulls).",
      "Prints one line per reference, in input order: the reference, a space, then"
          + " 'present <digest>' or 'missing'. Exits 1 if any is missing."
    })
final class ExistsCommand extends BaseCommand {
  @Parameters(arity = "1..*", paramLabel = "REF", description = "Image references.")
  List<String> texts;

  private final List<ImageReference> refs = new ArrayList<>();

  @Override
  void validate() {
    refs.clear();
    for (String t : texts) {
      refs.add(Refs.parse(this, "REF", t));
    }
  }

  @Override
  int run(Session session) {
    List<ImageReference> resolved = refs.stream().map(session::resolve).toList();
    RegistryClient registry = session.registry(resolved);
    Map<ImageReference, Optional<Descriptor>> found = registry.existsAll(resolved);
    boolean allPresent = true;
    var json = Json.array();
    for (int i = 0; i < texts.size(); i++) {
      Optional<Descriptor> d = found.get(resolved.get(i));
      allPresent &= d.isPresent();
      if (session.json()) {
        var node = json.addObject().put("reference", texts.get(i)).put("present", d.isPresent());
        d.ifPresent(
            x ->
                node.put("digest", x.digest().toString())
                    .put("mediaType", x.mediaType())
                    .put("size", x.size()));
      } else {
        session
            .out()
            .println(texts.get(i) + " " + d.map(x -> "present " + x.digest()).orElse("missing"));
      }
    }
    if (session.json()) {
      session.out().println(Json.pretty(json));
    }
    return allPresent ? ExitCodes.OK : ExitCodes.NOT_FOUND;
  }
}
