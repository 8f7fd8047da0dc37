package dev.flyregistry.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The public API of one module, read from its compiled classes, and the rules it must keep.
 *
 * <p>A type is <em>exported</em> when it is public, every class enclosing it is public, and its
 * package is not an {@code internal} one. The rules:
 *
 * <ul>
 *   <li>{@link #signatureLeaks}: what users can see of an exported type (its supertypes, type
 *       parameters, public members and, when it can be subclassed, protected members) names only
 *       the JDK, other exported types and what the caller allows (a JUnit extension must name
 *       JUnit's callbacks); never a third-party library or an internal type.
 *   <li>{@link #mutableFields}: an exported type's visible fields are {@code static final} and not
 *       arrays, so no caller can change shared state through them.
 *   <li>{@link #openClasses}: exported classes other than exceptions are closed to subclassing.
 * </ul>
 *
 * <p>Synthetic and bridge members are compiler artefacts and not part of the API.
 */
public final class ApiSurface {
  private final List<Class<?>> exported;
  private final Set<String> publicPackages;

  private ApiSurface(List<Class<?>> all) {
    this.exported = all.stream().filter(ApiSurface::isExported).collect(Collectors.toList());
    this.publicPackages =
        exported.stream().map(Class::getPackageName).collect(Collectors.toCollection(TreeSet::new));
  }

  /**
   * The API of the module whose classes hold {@code anchor}: every class in the same directory tree
   * or jar as {@code anchor}'s own class file.
   */
  public static ApiSurface ofModuleOf(Class<?> anchor) {
    return of(codeSource(anchor), "", anchor.getClassLoader());
  }

  /**
   * The API formed by the classes under {@code root} (a directory of class files) whose names start
   * with {@code prefix}, loaded (not initialised) by {@code loader}.
   */
  public static ApiSurface of(Path root, String prefix, ClassLoader loader) {
    if (!Files.isDirectory(root)) {
      throw new IllegalArgumentException(
          "not a directory of class files: " + root + " (run the tests from compiled classes)");
    }
    List<Class<?>> all = new ArrayList<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        String name = className(root, file);
        if (name == null || !name.startsWith(prefix)) {
          continue;
        }
        try {
          all.add(Class.forName(name, false, loader));
        } catch (ClassNotFoundException | LinkageError e) {
          throw new IllegalStateException("cannot load " + name + " from " + root, e);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (all.isEmpty()) {
      throw new IllegalArgumentException("no classes named " + prefix + "* under " + root);
    }
    all.sort(Comparator.comparing(Class::getName));
    return new ApiSurface(all);
  }

  /** The exported types, by name. */
  public List<Class<?>> exportedTypes() {
    return List.copyOf(exported);
  }

  /** The packages that hold at least one exported type. */
  public Set<String> publicPackages() {
    return Set.copyOf(publicPackages);
  }

  /**
   * Every place where an exported type shows users a type they should not see, one line each
   * ({@code where: the type}). The JDK ({@code java.*}, {@code javax.*}), primitives and exported
   * types of this SDK ({@code dev.flyregistry.*}, loaded by any module) are allowed; {@code
   * alsoAllowed} adds what the module needs beyond them.
   */
  public List<String> signatureLeaks(Predicate<Class<?>> alsoAllowed) {
    Set<String> leaks = new TreeSet<>();
    for (Class<?> type : exported) {
      String name = type.getName();
      visit(type.getGenericSuperclass(), name + " extends", alsoAllowed, leaks);
      for (Type t : type.getGenericInterfaces()) {
        visit(t, name + " implements", alsoAllowed, leaks);
      }
      for (TypeVariable<?> v : type.getTypeParameters()) {
        visit(v, name + "<" + v.getName() + ">", alsoAllowed, leaks);
      }
      for (Executable e : visibleExecutables(type)) {
        String where = name + "." + memberName(e);
        if (e instanceof Method) {
          visit(((Method) e).getGenericReturnType(), where + " returns", alsoAllowed, leaks);
        }
        for (Type t : e.getGenericParameterTypes()) {
          visit(t, where + " takes", alsoAllowed, leaks);
        }
        for (Type t : e.getGenericExceptionTypes()) {
          visit(t, where + " throws", alsoAllowed, leaks);
        }
        for (TypeVariable<?> v : e.getTypeParameters()) {
          visit(v, where + " <" + v.getName() + ">", alsoAllowed, leaks);
        }
      }
      for (Field f : visibleFields(type)) {
        visit(f.getGenericType(), name + "." + f.getName(), alsoAllowed, leaks);
      }
    }
    return List.copyOf(leaks);
  }

  /**
   * Every exported class that users can extend (not final, sealed, a record or an enum, with a
   * public or protected constructor), exceptions aside: a subclass could add mutable state to a
   * value or break a client's thread safety, and every later change would have to keep it working.
   */
  public List<String> openClasses() {
    return exported.stream()
        .filter(t -> !Throwable.class.isAssignableFrom(t))
        .filter(ApiSurface::subclassable)
        .map(t -> t.getName() + " can be subclassed")
        .collect(Collectors.toList());
  }

  /** Every visible field of an exported type that is not {@code static final}, or is an array. */
  public List<String> mutableFields() {
    Set<String> found = new TreeSet<>();
    for (Class<?> type : exported) {
      for (Field f : visibleFields(type)) {
        int m = f.getModifiers();
        String where = type.getName() + "." + f.getName();
        if (!Modifier.isStatic(m) || !Modifier.isFinal(m)) {
          found.add(where + " is not static final");
        } else if (f.getType().isArray()) {
          found.add(where + " is an array (its elements can be changed)");
        }
      }
    }
    return List.copyOf(found);
  }

  private static boolean isExported(Class<?> type) {
    if (type.isSynthetic() || type.isAnonymousClass() || type.isLocalClass()) {
      return false;
    }
    for (Class<?> c = type; c != null; c = c.getEnclosingClass()) {
      if (!Modifier.isPublic(c.getModifiers())) {
        return false;
      }
    }
    return !isInternalPackage(type.getPackageName());
  }

  private static boolean isInternalPackage(String pkg) {
    return pkg.equals("internal") || pkg.endsWith(".internal") || pkg.contains(".internal.");
  }

  /** Whether users can extend {@code type}, and so see its protected members. */
  private static boolean subclassable(Class<?> type) {
    if (type.isInterface() || type.isEnum() || type.isRecord() || type.isSealed()) {
      return false;
    }
    if (Modifier.isFinal(type.getModifiers())) {
      return false;
    }
    for (Constructor<?> c : type.getDeclaredConstructors()) {
      int m = c.getModifiers();
      if (Modifier.isPublic(m) || Modifier.isProtected(m)) {
        return true;
      }
    }
    return false;
  }

  private static List<Executable> visibleExecutables(Class<?> type) {
    List<Executable> out = new ArrayList<>();
    for (Method m : type.getMethods()) {
      if (!m.isSynthetic() && !m.isBridge()) {
        out.add(m);
      }
    }
    for (Constructor<?> c : type.getConstructors()) {
      if (!c.isSynthetic()) {
        out.add(c);
      }
    }
    if (subclassable(type)) {
      for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
        for (Method m : c.getDeclaredMethods()) {
          if (Modifier.isProtected(m.getModifiers()) && !m.isSynthetic() && !m.isBridge()) {
            out.add(m);
          }
        }
      }
      for (Constructor<?> c : type.getDeclaredConstructors()) {
        if (Modifier.isProtected(c.getModifiers()) && !c.isSynthetic()) {
          out.add(c);
        }
      }
    }
    return out;
  }

  private static List<Field> visibleFields(Class<?> type) {
    List<Field> out = new ArrayList<>();
    for (Field f : type.getFields()) {
      if (!f.isSynthetic()) {
        out.add(f);
      }
    }
    if (subclassable(type)) {
      for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
        for (Field f : c.getDeclaredFields()) {
          if (Modifier.isProtected(f.getModifiers()) && !f.isSynthetic()) {
            out.add(f);
          }
        }
      }
    }
    return out;
  }

  private static String memberName(Member m) {
    return m instanceof Constructor ? "<init>" : m.getName();
  }

  private static void visit(
      Type type, String where, Predicate<Class<?>> alsoAllowed, Set<String> leaks) {
    visit(type, where, alsoAllowed, leaks, new HashSet<>());
  }

  private static void visit(
      Type type, String where, Predicate<Class<?>> alsoAllowed, Set<String> leaks, Set<Type> seen) {
    if (type == null || !seen.add(type)) {
      return;
    }
    if (type instanceof Class) {
      Class<?> c = (Class<?>) type;
      while (c.isArray()) {
        c = c.getComponentType();
      }
      if (!allowed(c) && !alsoAllowed.test(c)) {
        leaks.add(where + ": " + c.getName());
      }
    } else if (type instanceof ParameterizedType) {
      ParameterizedType p = (ParameterizedType) type;
      visit(p.getRawType(), where, alsoAllowed, leaks, seen);
      visit(p.getOwnerType(), where, alsoAllowed, leaks, seen);
      for (Type arg : p.getActualTypeArguments()) {
        visit(arg, where, alsoAllowed, leaks, seen);
      }
    } else if (type instanceof WildcardType) {
      WildcardType w = (WildcardType) type;
      for (Type t : w.getUpperBounds()) {
        visit(t, where, alsoAllowed, leaks, seen);
      }
      for (Type t : w.getLowerBounds()) {
        visit(t, where, alsoAllowed, leaks, seen);
      }
    } else if (type instanceof GenericArrayType) {
      visit(((GenericArrayType) type).getGenericComponentType(), where, alsoAllowed, leaks, seen);
    } else if (type instanceof TypeVariable) {
      for (Type t : ((TypeVariable<?>) type).getBounds()) {
        visit(t, where, alsoAllowed, leaks, seen);
      }
    }
  }

  private static boolean allowed(Class<?> c) {
    if (c.isPrimitive()) {
      return true;
    }
    String name = c.getName();
    if (name.startsWith("java.") || name.startsWith("javax.")) {
      return true;
    }
    return name.startsWith("dev.flyregistry.") && isExported(c);
  }

  private static String className(Path root, Path file) {
    String rel = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), ".");
    if (!rel.endsWith(".class")) {
      return null;
    }
    String name = rel.substring(0, rel.length() - ".class".length());
    if (name.endsWith("package-info") || name.endsWith("module-info")) {
      return null;
    }
    return name;
  }

  private static Path codeSource(Class<?> anchor) {
    CodeSource source = anchor.getProtectionDomain().getCodeSource();
    if (source == null || source.getLocation() == null) {
      throw new IllegalStateException("cannot tell where " + anchor.getName() + " was loaded from");
    }
    try {
      return Path.of(source.getLocation().toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(
          "cannot tell where " + anchor.getName() + " was loaded from", e);
    }
  }
}
