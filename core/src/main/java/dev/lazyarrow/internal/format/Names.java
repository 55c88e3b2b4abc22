package dev.lazyarrow.internal.format;

import dev.lazyarrow.format.LazyArrowException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The rule for names read from files (split, config and file names): each must be a plain name,
 * usable as one path component that stays where it is put.
 *
 * <p>A plain name is 1 to {@value #MAX_BYTES} bytes of UTF-8 (the longest file name most file
 * systems take); is not {@code .} or {@code ..}; holds no {@code /} or {@code \}; and holds no
 * control character (U+0000-U+001F, U+007F-U+009F), line or paragraph separator (U+2028, U+2029) or
 * unpaired surrogate. Anything else, spaces and non-ASCII letters included, is allowed.
 */
public final class Names {
  /** The most UTF-8 bytes a plain name may have. */
  public static final int MAX_BYTES = 255;

  private Names() {}

  /**
   * Returns {@code name} if it is a plain name.
   *
   * @param file the file that holds or makes the name, named in the error
   * @param what what the name is, e.g. {@code "split name"}
   * @throws LazyArrowException if {@code name} is null or not a plain name
   */
  public static String requirePlain(Path file, String what, String name) {
    String problem = problem(name);
    if (problem != null) {
      throw new LazyArrowException(
          file, what + " " + quote(name) + " is not a plain name: " + problem);
    }
    return name;
  }

  /** Returns whether {@code name} is a plain name. */
  public static boolean isPlain(String name) {
    return problem(name) == null;
  }

  /** Returns what makes {@code name} not plain, or null if it is plain. */
  private static String problem(String name) {
    if (name == null || name.isEmpty()) {
      return "it is empty";
    }
    if (name.equals(".") || name.equals("..")) {
      return "it names a folder by a relative path";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '/' || c == '\\') {
        return "it holds a path separator";
      }
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        return "it holds a control character";
      }
      if (Character.isSurrogate(c)) {
        boolean paired =
            Character.isHighSurrogate(c)
                && i + 1 < name.length()
                && Character.isLowSurrogate(name.charAt(++i));
        if (!paired) {
          return "it holds an unpaired surrogate";
        }
      }
    }
    if (name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
      return "it is longer than " + MAX_BYTES + " bytes";
    }
    return null;
  }

  /** Quotes a name for a one-line message, escaping what a terminal would act on. */
  static String quote(String name) {
    if (name == null) {
      return "null";
    }
    StringBuilder out = new StringBuilder("'");
    int shown = Math.min(name.length(), 80);
    for (int i = 0; i < shown; i++) {
      char c = name.charAt(i);
      if (Character.isISOControl(c) || Character.isSurrogate(c) || c == '\u2028' || c == '\u2029') {
        out.append(String.format("\\u%04x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append(shown < name.length() ? "...'" : "'").toString();
  }
}
