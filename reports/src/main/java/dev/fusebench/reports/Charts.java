package dev.fusebench.reports;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.IntervalMarker;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.chart.renderer.xy.XYErrorRenderer;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.RectangleAnchor;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.category.DefaultCategoryDataset;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** The report's charts, drawn with JFreeChart and written as PNG files. */
final class Charts {
    private Charts() {}

    static final int WIDTH = 900, HEIGHT = 420;
    static final Color[] PALETTE = {new Color(0x4E79A7), new Color(0xF28E2B), new Color(0x59A14F), new Color(0xE15759),
            new Color(0x76B7B2), new Color(0xB07AA1)};

    /** A point with its interval: the median (or delta) and a 95% CI. */
    record Point(double y, double low, double high) {}

    /**
     * Points with interval whiskers over named categories, one series per key of {@code series};
     * series are shifted a little so their whiskers do not overlap.
     */
    static void intervals(Path png, String title, String yLabel, List<String> categories,
                          Map<String, List<Point>> series, boolean zeroLine) throws IOException {
        intervals(png, title, yLabel, categories, series, zeroLine, Double.NaN);
    }

    /** {@code band}: the "no difference" band ±band, shaded (NaN: none). */
    static void intervals(Path png, String title, String yLabel, List<String> categories,
                          Map<String, List<Point>> series, boolean zeroLine, double band) throws IOException {
        YIntervalSeriesCollection data = new YIntervalSeriesCollection();
        int s = 0, n = series.size();
        for (var e : series.entrySet()) {
            YIntervalSeries ys = new YIntervalSeries(e.getKey());
            double shift = n == 1 ? 0 : (s - (n - 1) / 2.0) * 0.12;
            List<Point> pts = e.getValue();
            for (int i = 0; i < pts.size(); i++) {
                Point p = pts.get(i);
                if (p != null && !Double.isNaN(p.y())) ys.add(i + shift, p.y(), nan(p.low(), p.y()), nan(p.high(), p.y()));
            }
            data.addSeries(ys);
            s++;
        }
        SymbolAxis x = new SymbolAxis(null, categories.toArray(String[]::new));
        x.setVerticalTickLabels(categories.size() > 4);
        NumberAxis y = new NumberAxis(yLabel);
        y.setAutoRangeIncludesZero(zeroLine);
        XYErrorRenderer r = new XYErrorRenderer();
        r.setDefaultLinesVisible(false);
        r.setDefaultShapesVisible(true);
        r.setErrorStroke(new BasicStroke(1.6f));
        r.setCapLength(8);
        for (int i = 0; i < n; i++) r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        if (zeroLine) plot.addRangeMarker(new ValueMarker(0, Color.DARK_GRAY, new BasicStroke(1f)));
        if (!Double.isNaN(band)) {
            IntervalMarker m = new IntervalMarker(-band, band, new Color(0x59A14F), new BasicStroke(0.5f), null, null, 0.15f);
            m.setLabel("no difference band ±" + (band == Math.rint(band) ? Long.toString((long) band) : Double.toString(band)) + "%");
            m.setLabelAnchor(RectangleAnchor.TOP_LEFT);
            m.setLabelTextAnchor(TextAnchor.TOP_LEFT);
            plot.addRangeMarker(m, Layer.BACKGROUND);
        }
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, n > 1);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
    }

    private static double nan(double v, double fallback) { return Double.isNaN(v) ? fallback : v; }

    /** Every run of one cell in run order: x is the block (plus its position inside it), y the figure, one series per arm. */
    static void runOrder(Path png, String title, String xLabel, String yLabel, Map<String, List<double[]>> series) throws IOException {
        XYSeriesCollection data = new XYSeriesCollection();
        for (var e : series.entrySet()) {
            XYSeries xs = new XYSeries(e.getKey(), true, true);
            for (double[] p : e.getValue()) xs.add(p[0], p[1]);
            data.addSeries(xs);
        }
        NumberAxis x = new NumberAxis(xLabel);
        x.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        x.setAutoRangeIncludesZero(false);
        NumberAxis y = new NumberAxis(yLabel);
        y.setAutoRangeIncludesZero(false);
        XYLineAndShapeRenderer r = new XYLineAndShapeRenderer(true, true);
        for (int i = 0; i < series.size(); i++) {
            r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
            r.setSeriesStroke(i, new BasicStroke(0.8f));
        }
        XYPlot plot = new XYPlot(data, x, y, r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
    }

    /** Bars: one group per category, one bar per series (e.g. share of requests per size and arm). */
    static void bars(Path png, String title, String xLabel, String yLabel, Map<String, Map<String, Double>> series) throws IOException {
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        for (var e : series.entrySet()) for (var p : e.getValue().entrySet()) data.addValue(p.getValue(), e.getKey(), p.getKey());
        CategoryAxis x = new CategoryAxis(xLabel);
        x.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
        BarRenderer r = new BarRenderer();
        r.setBarPainter(new StandardBarPainter());
        r.setShadowVisible(false);
        for (int i = 0; i < series.size(); i++) r.setSeriesPaint(i, PALETTE[i % PALETTE.length]);
        CategoryPlot plot = new CategoryPlot(data, x, new NumberAxis(yLabel), r);
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        JFreeChart chart = new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        chart.setBackgroundPaint(Color.WHITE);
        ChartUtils.saveChartAsPNG(png.toFile(), chart, WIDTH, HEIGHT);
    }
}
