package dev.lazyarrow.cli;

import dev.lazyarrow.convert.Converter;
import dev.lazyarrow.format.LazyArrowException;
import dev.lazyarrow.internal.format.Manifest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Collections;

/**
 * The demo's corpus for lazy against eager: the sample's train split repeated until it holds about
 * the bytes asked for, made once (a save_to_disk folder whose state.json lists one data file many
 * times, then converted) and reused while it has the size asked for.
 */
final class DemoCorpus {
  private DemoCorpus() {}

  /**
   * Makes into {@code dir} a dataset of the sample's train split repeated {@code copies} times,
   * unless it is there already.
   *
   * @param sample the save_to_disk sample folder, a DatasetDict with a train split
   * @param trainRows the rows of that train split
   * @param copies how many times the train split is repeated
   * @return whether the corpus was made now (false: reused)
   */
  static boolean make(Path sample, long trainRows, Path dir, int copies) throws IOException {
    Path source = dir.resolveSibling(dir.getFileName() + "-source");
    Path train = sample.resolve("train");
    if (!Files.isRegularFile(train.resolve("state.json"))) {
      throw new LazyArrowException(train, "the demo's sample has no train split here");
    }
    if (Files.exists(dir.resolve(Manifest.FILE_NAME))
        && Manifest.read(dir).splits().get(0).rows() == trainRows * copies) {
      return false;
    }
    Files.createDirectories(source);
    Files.copy(
        train.resolve("data-00000-of-00001.arrow"),
        source.resolve("data.arrow"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.copy(
        train.resolve("dataset_info.json"),
        source.resolve("dataset_info.json"),
        StandardCopyOption.REPLACE_EXISTING);
    Files.writeString(
        source.resolve("state.json"),
        "{\"_data_files\": ["
            + String.join(", ", Collections.nCopies(copies, "{\"filename\": \"data.arrow\"}"))
            + "], \"_split\": \"train\"}");
    Converter.newBuilder().overwrite(true).build().convert(source, dir);
    return true;
  }

  /** Returns how many copies of the train split make about {@code megabytes} MB. */
  static int copies(Path sample, int megabytes) throws IOException {
    long bytes = Files.size(sample.resolve("train/data-00000-of-00001.arrow"));
    return (int) Math.max(1, Math.round(megabytes * 1e6 / bytes));
  }
}
