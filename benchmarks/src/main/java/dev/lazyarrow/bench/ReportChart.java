package dev.lazyarrow.bench;

import dev.lazyarrow.bench.Report.Figure;
import dev.lazyarrow.bench.Report.Run;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.text.DecimalFormat;
import java.util.List;
import java.util.Locale;
import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.LogAxis;
import org.jfree.chart.axis.NumberTickUnit;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

/** The chart of {@link Report}: LazyArrow's advantage over datasets per figure, on a log axis. */
final class ReportChart {
  private ReportChart() {}

  /** Draws the ratios of the main corpus's medians into the PNG file {@code png}. */
  static void write(List<Run> runs, Path png) throws IOException {
    long main = runs.stream().mapToLong(Run::corpusRows).max().orElseThrow();
    DefaultCategoryDataset data = new DefaultCategoryDataset();
    for (Figure f : Report.figures(Report.coldCache(runs))) {
      Report.Stat base = Report.stat(runs, Report.DATASETS, main, f);
      for (String system : List.of(Report.LAZY, Report.EAGER)) {
        double ratio = Report.ratio(Report.stat(runs, system, main, f), base, f.better());
        if (!Double.isNaN(ratio)) {
          data.addValue(ratio, Report.name(system), f.label().replaceAll(" \\(.*\\)$", ""));
        }
      }
    }
    JFreeChart chart =
        ChartFactory.createBarChart(
            String.format(
                Locale.ROOT,
                "LazyArrow against datasets, %,d rows (medians; above 1: LazyArrow better)",
                main),
            null,
            "times better than datasets (log scale)",
            data);
    CategoryPlot plot = chart.getCategoryPlot();
    plot.setBackgroundPaint(Color.WHITE);
    plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
    LogAxis axis = new LogAxis("times better than datasets (log scale)");
    axis.setBase(10);
    axis.setTickUnit(new NumberTickUnit(1));
    axis.setMinorTickCount(9);
    axis.setMinorTickMarksVisible(true);
    axis.setNumberFormatOverride(new DecimalFormat("0.###"));
    plot.setRangeAxis(axis);
    CategoryAxis categories = plot.getDomainAxis();
    categories.setMaximumCategoryLabelLines(3);
    BarRenderer bars = (BarRenderer) plot.getRenderer();
    // Bars grow from 1 (as good as datasets): up where LazyArrow is better, down where worse.
    bars.setBase(1);
    bars.setBarPainter(new StandardBarPainter());
    bars.setShadowVisible(false);
    bars.setSeriesPaint(0, new Color(0x1f77b4));
    bars.setSeriesPaint(1, new Color(0xff7f0e));
    bars.setDefaultItemLabelGenerator(
        new StandardCategoryItemLabelGenerator("{2}x", new DecimalFormat("0.##")));
    bars.setDefaultItemLabelsVisible(true);
    ChartUtils.saveChartAsPNG(png.toFile(), chart, 1100, 560);
  }
}
