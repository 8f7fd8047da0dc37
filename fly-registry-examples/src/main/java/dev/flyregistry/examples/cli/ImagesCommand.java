package dev.flyregistry.examples.cli;

import dev.flyregistry.registry.ImageReference;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code flyreg images -a APP [-a APP ...]}. */
@Command(
    name = "images",
    description = {
      "List the distinct image references the apps' releases deployed, one per line, newest"
          + " first per app. (Fly's registry has no tag listing; releases are the record.)"
    })
final class ImagesCommand extends BaseCommand {
  @Option(
      names = {"--app", "-a"},
      required = true,
      paramLabel = "APP",
      converter = Converters.AppNameConverter.class,
      description = "An app (repeatable).")
  List<String> apps;

  @Override
  int run(Session session) {
    Map<String, List<ImageReference>> byApp = session.graphql().releases().imageRefs(apps);
    Map<String, List<String>> images = new LinkedHashMap<>();
    for (Map.Entry<String, List<ImageReference>> e : byApp.entrySet()) {
      for (ImageReference ref : e.getValue()) {
        images.computeIfAbsent(ref.toString(), k -> new ArrayList<>()).add(e.getKey());
      }
    }
    if (session.json()) {
      var array = Json.array();
      images.forEach(
          (ref, inApps) -> {
            var node = array.addObject().put("image", ref);
            var a = node.putArray("apps");
            inApps.forEach(a::add);
          });
      session.out().println(Json.pretty(array));
    } else {
      images.keySet().forEach(session.out()::println);
    }
    return ExitCodes.OK;
  }
}
