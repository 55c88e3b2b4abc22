package dev.lazyarrow.cli;

/** Counts with their noun in the right number, for messages: "1 shard", "2 shards". */
final class Plural {
  private Plural() {}

  /** Returns {@code n} followed by {@code noun}, with an "s" unless {@code n} is 1. */
  static String of(long n, String noun) {
    return n + " " + (n == 1 ? noun : noun + "s");
  }
}
