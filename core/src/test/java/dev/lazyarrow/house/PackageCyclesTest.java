package dev.lazyarrow.house;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import org.junit.jupiter.api.Test;

/**
 * The core's packages form no cycle: what {@code jdeps} (the JDK's own dependency analyser) finds
 * between the compiled classes of {@code dev.lazyarrow} packages is a layering, bottom up.
 */
class PackageCyclesTest {
  private static final Path CLASSES = Path.of("target/classes");
  private static final Pattern EDGE =
      Pattern.compile("^\\s+(dev\\.lazyarrow[\\w.]*)\\s+->\\s+(dev\\.lazyarrow[\\w.]*)\\s");

  @Test
  void corePackages_formNoCycle() {
    Map<String, Set<String>> edges = packageEdges(CLASSES);
    assertTrue(edges.containsKey("dev.lazyarrow"), "jdeps found no package: " + edges.keySet());
    List<List<String>> cycles = cycles(edges);
    assertEquals(List.of(), cycles, "package cycles, each a strongly connected set");
  }

  @Test
  void cycles_findsATwoPackageLoop() {
    Map<String, Set<String>> edges = new TreeMap<>();
    edges.put("a", Set.of("b"));
    edges.put("b", Set.of("c", "a"));
    edges.put("c", Set.of());
    assertEquals(List.of(List.of("a", "b")), cycles(edges));
  }

  /** Returns every package of {@code classes} and the other packages it uses. */
  static Map<String, Set<String>> packageEdges(Path classes) {
    assertTrue(Files.isDirectory(classes), classes + " is not built");
    ToolProvider jdeps = ToolProvider.findFirst("jdeps").orElseThrow();
    StringWriter out = new StringWriter();
    int status =
        jdeps.run(
            new PrintWriter(out),
            new PrintWriter(out),
            "-verbose:package",
            "-filter:none",
            "-e",
            "dev\\.lazyarrow.*",
            classes.toString());
    assertEquals(0, status, out.toString());
    Map<String, Set<String>> edges = new TreeMap<>();
    for (String line : out.toString().split("\n")) {
      Matcher m = EDGE.matcher(line);
      if (m.find()) {
        edges.computeIfAbsent(m.group(1), k -> new TreeSet<>());
        edges.computeIfAbsent(m.group(2), k -> new TreeSet<>());
        if (!m.group(1).equals(m.group(2))) {
          edges.get(m.group(1)).add(m.group(2));
        }
      }
    }
    return edges;
  }

  /** Returns the strongly connected sets of more than one package (Tarjan), each sorted. */
  static List<List<String>> cycles(Map<String, Set<String>> edges) {
    Map<String, Integer> index = new HashMap<>();
    Map<String, Integer> low = new HashMap<>();
    Deque<String> stack = new ArrayDeque<>();
    List<List<String>> found = new ArrayList<>();
    for (String v : edges.keySet()) {
      if (!index.containsKey(v)) {
        connect(v, edges, index, low, stack, found);
      }
    }
    return found;
  }

  private static void connect(
      String v,
      Map<String, Set<String>> edges,
      Map<String, Integer> index,
      Map<String, Integer> low,
      Deque<String> stack,
      List<List<String>> found) {
    index.put(v, index.size());
    low.put(v, index.get(v));
    stack.push(v);
    for (String w : edges.getOrDefault(v, Set.of())) {
      if (!index.containsKey(w)) {
        connect(w, edges, index, low, stack, found);
        low.put(v, Math.min(low.get(v), low.get(w)));
      } else if (stack.contains(w)) {
        low.put(v, Math.min(low.get(v), index.get(w)));
      }
    }
    if (low.get(v).equals(index.get(v))) {
      List<String> component = new ArrayList<>();
      String w;
      do {
        w = stack.pop();
        component.add(w);
      } while (!w.equals(v));
      if (component.size() > 1) {
        component.sort(null);
        found.add(component);
      }
    }
  }
}
