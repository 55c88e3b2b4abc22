package dev.lazyarrow.loader;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;

/**
 * Fuzzes the loader state reader: any bytes, read as UTF-8, must give an {@link
 * IllegalArgumentException} or a valid state that reads back equal from its own JSON.
 *
 * <p>{@code mvn test} replays the inputs under {@code LoaderStateFuzzTestInputs/fromJson/}: states
 * of split and mixture loaders and the states issue 23 listed. {@code JAZZER_FUZZ=1} fuzzes.
 */
class LoaderStateFuzzTest {
  @FuzzTest(maxDuration = "60s")
  void fromJson(byte[] data) {
    LoaderState state;
    try {
      state = LoaderState.fromJson(new String(data, StandardCharsets.UTF_8));
    } catch (IllegalArgumentException expected) {
      // Bad input is reported; only another exception, a crash or a hang is a finding.
      return;
    }
    String json = state.toJson();
    LoaderState again = LoaderState.fromJson(json);
    if (!again.equals(state) || !again.toJson().equals(json)) {
      throw new AssertionError("a state does not round-trip: " + json + " read back as " + again);
    }
  }
}
