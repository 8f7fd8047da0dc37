package dev.flyregistry.examples.cli;

import dev.flyregistry.FlyException;
import dev.flyregistry.auth.AuthException;
import dev.flyregistry.registry.Descriptor;
import dev.flyregistry.registry.ImageReference;
import dev.flyregistry.registry.RegistryAuthenticationException;
import dev.flyregistry.registry.RegistryClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code flyreg exists REF...}. */
@Command(
    name = "exists",
    description = {
      "Check that images exist, with HEAD requests (run concurrently; not counted as pulls).",
      "Prints one line per reference, in input order: the reference, a space, then"
          + " 'present <digest>', 'missing', or, when it could not be checked, 'unauthorized',"
          + " 'denied' or 'error' and the reason.",
      "Exits with the highest code of the references: 1 if any is missing, 3 if any was"
          + " refused, 4 for other failures."
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
    Map<ImageReference, Outcome> outcomes = check(session, registry, resolved);
    int code = ExitCodes.OK;
    int failed = 0;
    Optional<String> hint = Optional.empty();
    var json = Json.array();
    for (int i = 0; i < texts.size(); i++) {
      Outcome o = outcomes.get(resolved.get(i));
      code = Math.max(code, o.code());
      if (o.failure() != null) {
        failed++;
        if (hint.isEmpty()) {
          hint = session.credentialsHint(o.failure());
        }
      }
      if (session.json()) {
        var node = json.addObject().put("reference", texts.get(i));
        if (o.failure() == null) {
          node.put("present", o.found().isPresent());
          o.found()
              .ifPresent(
                  x ->
                      node.put("digest", x.digest().toString())
                          .put("mediaType", x.mediaType())
                          .put("size", x.size()));
        } else {
          node.put("error", o.word()).put("message", o.reason());
        }
      } else {
        session.out().println(texts.get(i) + " " + o.describe());
      }
    }
    if (session.json()) {
      session.out().println(Json.pretty(json));
    }
    session.out().flush();
    if (failed > 0) {
      session
          .err()
          .println("flyreg: could not check " + failed + " of " + texts.size() + " reference(s)");
    }
    hint.ifPresent(h -> session.err().println("flyreg: hint: " + h));
    return code;
  }

  /**
   * The outcome of every reference: one bulk check ({@link RegistryClient#existsAll}) when it
   * succeeds; when it fails (it stops at the first failure), every reference on its own, so that
   * one refused or unreachable reference does not hide the others' answers.
   */
  private static Map<ImageReference, Outcome> check(
      Session session, RegistryClient registry, List<ImageReference> resolved) {
    Map<ImageReference, Outcome> out = new HashMap<>();
    try {
      registry.existsAll(resolved).forEach((ref, found) -> out.put(ref, Outcome.of(found)));
      return out;
    } catch (FlyException bulkFailure) {
      // checked one by one below
    }
    List<ImageReference> unique = new ArrayList<>(new LinkedHashSet<>(resolved));
    int threads = Math.max(1, Math.min(unique.size(), session.http().maxConcurrency()));
    ExecutorService pool =
        Executors.newFixedThreadPool(
            threads,
            r -> {
              Thread t = new Thread(r, "flyreg-exists");
              t.setDaemon(true);
              return t;
            });
    try {
      List<Future<Outcome>> futures = new ArrayList<>();
      for (ImageReference ref : unique) {
        futures.add(pool.submit(() -> checkOne(registry, ref)));
      }
      for (int i = 0; i < unique.size(); i++) {
        out.put(unique.get(i), futures.get(i).get());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExitCodes.CliException(ExitCodes.OTHER, "interrupted", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    } finally {
      pool.shutdownNow();
    }
    return out;
  }

  private static Outcome checkOne(RegistryClient registry, ImageReference ref) {
    try {
      return Outcome.of(registry.head(ref));
    } catch (FlyException e) {
      return Outcome.failed(ref, e);
    }
  }

  /** A reference's descriptor, or empty when missing; or the failure that kept it unknown. */
  private record Outcome(Optional<Descriptor> found, FlyException failure, String reason) {
    static Outcome of(Optional<Descriptor> found) {
      return new Outcome(found, null, null);
    }

    static Outcome failed(ImageReference ref, FlyException e) {
      if (ExitCodes.exitCode(e) == ExitCodes.NOT_FOUND) {
        return of(Optional.empty()); // a 404 in other words (NAME_UNKNOWN, ...)
      }
      // the line names the reference already: drop the message's own "HEAD manifest REF: "
      String m = ExitCodes.oneLineWithoutCodeAdvice(e);
      String prefix = "HEAD manifest " + ref + ": ";
      if (m.startsWith(prefix)) {
        m = m.substring(prefix.length());
      }
      return new Outcome(Optional.empty(), e, m);
    }

    int code() {
      if (failure != null) {
        return ExitCodes.exitCode(failure);
      }
      return found.isPresent() ? ExitCodes.OK : ExitCodes.NOT_FOUND;
    }

    /** One word for the kind of failure. */
    String word() {
      if (failure instanceof RegistryAuthenticationException || failure instanceof AuthException) {
        return "unauthorized";
      }
      return code() == ExitCodes.AUTH ? "denied" : "error";
    }

    String describe() {
      if (failure != null) {
        return word() + " " + reason;
      }
      return found.map(x -> "present " + x.digest()).orElse("missing");
    }
  }
}
