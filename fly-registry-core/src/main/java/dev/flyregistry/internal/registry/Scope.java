package dev.flyregistry.internal.registry;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A token-service scope: {@code type:name:actions}, e.g. {@code repository:my-app:pull,push}.
 * Actions are kept sorted so equal scopes compare equal. Immutable.
 *
 * @param type the resource type ("repository", "registry")
 * @param name the resource name ("my-app", "library/nginx", "catalog")
 * @param actions the actions ("pull", "push", "delete", "*")
 */
public record Scope(String type, String name, Set<String> actions) {

  /** Pull access to a repository. */
  public static Scope pull(String repository) {
    return new Scope("repository", repository, Set.of("pull"));
  }

  /** Pull and push access to a repository. */
  public static Scope pullPush(String repository) {
    return new Scope("repository", repository, Set.of("pull", "push"));
  }

  /** Validates and sorts. */
  public Scope {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(name, "name");
    if (type.isEmpty() || type.indexOf(':') >= 0 || type.indexOf(' ') >= 0) {
      throw new IllegalArgumentException("invalid scope type: " + type);
    }
    if (name.isEmpty() || name.indexOf(' ') >= 0) {
      throw new IllegalArgumentException("invalid scope name: " + name);
    }
    TreeSet<String> sorted = new TreeSet<>();
    for (String a : actions) {
      if (a.isEmpty() || a.indexOf(',') >= 0 || a.indexOf(' ') >= 0 || a.indexOf(':') >= 0) {
        throw new IllegalArgumentException("invalid scope action: " + a);
      }
      sorted.add(a);
    }
    actions = Collections.unmodifiableSet(sorted);
  }

  /**
   * Parses {@code type:name:actions}; the name may itself hold colons (the actions follow the last
   * one). Empty for text that is not a scope.
   */
  public static Optional<Scope> parse(String text) {
    if (text == null) {
      return Optional.empty();
    }
    int first = text.indexOf(':');
    int last = text.lastIndexOf(':');
    if (first <= 0 || last == first || last == text.length() - 1) {
      return Optional.empty();
    }
    try {
      Set<String> actions = new TreeSet<>();
      for (String a : text.substring(last + 1).split(",", -1)) {
        if (!a.isBlank()) {
          actions.add(a.trim());
        }
      }
      if (actions.isEmpty()) {
        return Optional.empty();
      }
      return Optional.of(
          new Scope(text.substring(0, first), text.substring(first + 1, last), actions));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /**
   * Parses a challenge's {@code scope} parameter, which may hold several scopes separated by
   * spaces.
   */
  public static List<Scope> parseAll(String text) {
    List<Scope> out = new ArrayList<>();
    if (text != null) {
      for (String part : text.trim().split("\\s+")) {
        parse(part).ifPresent(out::add);
      }
    }
    return out;
  }

  /** Whether this scope grants everything {@code other} asks for. */
  public boolean covers(Scope other) {
    return type.equals(other.type)
        && name.equals(other.name)
        && (actions.contains("*") || actions.containsAll(other.actions));
  }

  /** Whether some scope in {@code granted} covers each scope in {@code wanted}. */
  public static boolean allCovered(Collection<Scope> granted, Collection<Scope> wanted) {
    for (Scope w : wanted) {
      boolean covered = false;
      for (Scope g : granted) {
        if (g.covers(w)) {
          covered = true;
          break;
        }
      }
      if (!covered) {
        return false;
      }
    }
    return true;
  }

  /**
   * Merges scopes on the same resource (union of actions) and sorts the result, so that equal
   * requests have equal keys.
   */
  public static Set<Scope> normalize(Collection<Scope> scopes) {
    if (scopes.size() == 1) {
      // one scope is its own normal form (the constructor sorts its actions); the hot path of
      // every single-repository request
      return Set.of(scopes.iterator().next());
    }
    Map<String, Set<String>> byResource = new LinkedHashMap<>();
    Map<String, String[]> parts = new LinkedHashMap<>();
    for (Scope s : scopes) {
      String key = s.type + '\u0000' + s.name;
      byResource.computeIfAbsent(key, k -> new TreeSet<>()).addAll(s.actions);
      parts.putIfAbsent(key, new String[] {s.type, s.name});
    }
    TreeSet<Scope> out =
        new TreeSet<>(
            (a, b) -> {
              int c = a.type.compareTo(b.type);
              return c != 0 ? c : a.name.compareTo(b.name);
            });
    byResource.forEach(
        (k, actions) -> out.add(new Scope(parts.get(k)[0], parts.get(k)[1], actions)));
    return Collections.unmodifiableSet(new java.util.LinkedHashSet<>(out));
  }

  /** The wire form, {@code type:name:a,b}. */
  @Override
  public String toString() {
    return type + ':' + name + ':' + String.join(",", actions);
  }
}
