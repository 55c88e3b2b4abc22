package dev.lazyarrow.house;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The core's public face: the public types outside {@code internal} packages are few, and their
 * public signatures name only the JDK's, Arrow's and each other's types.
 */
class PublicApiTest {
  /** The most public top-level types the core may have outside its internal packages. */
  private static final int MAX_PUBLIC_TYPES = 30;

  @Test
  void publicTypes_areFewAndOutsideInternalPackagesOnlyByChoice() throws Exception {
    List<Class<?>> api = publicTypes();
    assertTrue(api.size() <= MAX_PUBLIC_TYPES, api.size() + " public types: " + api);
    assertTrue(api.contains(dev.lazyarrow.LazyDataset.class), api.toString());
  }

  @Test
  void publicSignatures_nameNoInternalOrThirdPartyTypeButArrows() throws Exception {
    TreeSet<String> leaks = new TreeSet<>();
    for (Class<?> type : publicTypes()) {
      check(type, leaks);
    }
    assertEquals(new TreeSet<String>(), leaks);
  }

  private static void check(Class<?> type, TreeSet<String> leaks) {
    List<Executable> members = new ArrayList<>(List.of(type.getDeclaredMethods()));
    members.addAll(List.of(type.getDeclaredConstructors()));
    for (Executable m : members) {
      if (!visible(m.getModifiers()) || m.isSynthetic()) {
        continue;
      }
      List<Type> types = new ArrayList<>(List.of(m.getGenericParameterTypes()));
      types.addAll(List.of(m.getGenericExceptionTypes()));
      if (m instanceof Method method) {
        types.add(method.getGenericReturnType());
      }
      for (Type t : types) {
        allowed(t, type.getName() + "." + name(m), leaks);
      }
    }
    for (Field f : type.getDeclaredFields()) {
      if (visible(f.getModifiers()) && !f.isSynthetic()) {
        allowed(f.getGenericType(), type.getName() + "." + f.getName(), leaks);
      }
    }
    for (Class<?> nested : type.getDeclaredClasses()) {
      if (visible(nested.getModifiers())) {
        check(nested, leaks);
      }
    }
  }

  private static String name(Executable m) {
    return m instanceof Constructor<?> ? "<init>" : m.getName();
  }

  private static boolean visible(int modifiers) {
    return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
  }

  private static void allowed(Type t, String where, TreeSet<String> leaks) {
    if (t instanceof Class<?> c) {
      while (c.isArray()) {
        c = c.getComponentType();
      }
      String n = c.getName();
      boolean ok =
          c.isPrimitive()
              || n.startsWith("java.")
              || n.startsWith("org.apache.arrow.")
              || n.startsWith("dev.lazyarrow.") && !n.startsWith("dev.lazyarrow.internal.");
      if (!ok) {
        leaks.add(where + " names " + n);
      }
    } else if (t instanceof ParameterizedType p) {
      allowed(p.getRawType(), where, leaks);
      for (Type a : p.getActualTypeArguments()) {
        allowed(a, where, leaks);
      }
    } else if (t instanceof GenericArrayType g) {
      allowed(g.getGenericComponentType(), where, leaks);
    } else if (t instanceof WildcardType w) {
      Stream.concat(Stream.of(w.getUpperBounds()), Stream.of(w.getLowerBounds()))
          .forEach(b -> allowed(b, where, leaks));
    } else if (!(t instanceof TypeVariable<?>)) {
      leaks.add(where + " names " + t);
    }
  }

  /** Returns the public top-level types of the core's packages that are not internal. */
  static List<Class<?>> publicTypes() throws IOException, ClassNotFoundException {
    Path classes = Path.of("target/classes");
    List<Class<?>> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(classes.resolve("dev/lazyarrow"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".class")).sorted().toList()) {
        String name = classes.relativize(f).toString().replace('/', '.').replace(".class", "");
        if (name.contains("$") || name.startsWith("dev.lazyarrow.internal.")) {
          continue;
        }
        Class<?> c = Class.forName(name, false, PublicApiTest.class.getClassLoader());
        if (Modifier.isPublic(c.getModifiers()) && !name.endsWith("package-info")) {
          found.add(c);
        }
      }
    }
    return found;
  }
}
