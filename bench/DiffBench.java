// Copyright (C) 2026 The imagestore Authors
//
// Licensed under the Apache License, Version 2.0 (the "License");
// you may not use this file except in compliance with the License.
// You may obtain a copy of the License at
//
// http://www.apache.org/licenses/LICENSE-2.0
//
// Unless required by applicable law or agreed to in writing, software
// distributed under the License is distributed on an "AS IS" BASIS,
// WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
// See the License for the specific language governing permissions and
// limitations under the License.

// The JVM side of bench/diff.sh. Two modes:
//
//   generate DIR   writes the image pairs (1920x1080 unless BENCH_DIFF_SIZE=WxH):
//                  base.png, base-copy.png (the same bytes), changed.png (1 % of the pixels
//                  changed), other.png (another screen: every pixel different or nearly)
//   run DIR ...    times, in rounds, each pair with every tool, one after the other, so that all
//                  see the same machine load: our ImageDiffer in this (warm) JVM, odiff's CLI (a
//                  process per pair), and through one long-lived node process (bench/diff-helper.mjs)
//                  odiff's server mode and pixelmatch. Prints "result KEY VALUE" lines.
//
// Run with the service's classes on the class path (imagestore-service.jar).

import com.googlesource.gerrit.plugins.imagestore.diff.DiffOptions;
import com.googlesource.gerrit.plugins.imagestore.diff.DiffResult;
import com.googlesource.gerrit.plugins.imagestore.diff.ImageDiffer;
import com.googlesource.gerrit.plugins.imagestore.diff.PngCodec;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import javax.imageio.ImageIO;

public class DiffBench {
  public static void main(String[] args) throws Exception {
    if (args.length >= 2 && args[0].equals("generate")) {
      generate(Path.of(args[1]));
    } else if (args.length >= 2 && args[0].equals("run")) {
      run(args);
    } else {
      System.err.println("usage: DiffBench generate DIR | run DIR --reps N --warmup N ...");
      System.exit(2);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The images

  static void generate(Path dir) throws Exception {
    String[] size = System.getenv().getOrDefault("BENCH_DIFF_SIZE", "1920x1080").split("x");
    int w = Integer.parseInt(size[0]);
    int h = Integer.parseInt(size[1]);
    Files.createDirectories(dir);
    BufferedImage base = screen(w, h, 1, false);
    write(base, dir.resolve("base.png"));
    Files.copy(dir.resolve("base.png"), dir.resolve("base-copy.png"));
    write(changeOnePercent(base, 7), dir.resolve("changed.png"));
    write(screen(w, h, 2, true), dir.resolve("other.png"));
  }

  static void write(BufferedImage img, Path file) throws Exception {
    if (!ImageIO.write(img, "png", file.toFile())) {
      throw new IllegalStateException("no PNG writer");
    }
  }

  /** A UI-like screen: a title bar, a navigation list, cards with text and buttons, a table. */
  static BufferedImage screen(int w, int h, long seed, boolean dark) {
    Random r = new Random(seed);
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    Graphics2D g = img.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(
        RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    Color page = dark ? new Color(0x1d232a) : new Color(0xf5f6f7);
    Color card = dark ? new Color(0x29313a) : Color.WHITE;
    Color text = dark ? new Color(0xeaecee) : new Color(0x32363a);
    Color accent = dark ? new Color(0xd08014) : new Color(0x0a6ed1);
    g.setColor(page);
    g.fillRect(0, 0, w, h);
    g.setPaint(new GradientPaint(0, 0, accent, w, 0, accent.darker()));
    g.fillRect(0, 0, w, 56);
    g.setColor(Color.WHITE);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
    g.drawString(dark ? "Dark Console" : "Fiori-like App", 24, 36);
    int nav = Math.min(260, w / 6);
    g.setColor(card);
    g.fillRect(0, 56, nav, h - 56);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 15));
    for (int i = 0, y = 96; y < h - 20; i++, y += 36) {
      g.setColor(i == 2 ? accent : text);
      g.drawString("Navigation item " + (i + 1) + (r.nextBoolean() ? " ›" : ""), 24, y);
    }
    int cardW = 300;
    int cardH = 190;
    int x0 = nav + 24;
    Font title = new Font(Font.SANS_SERIF, Font.BOLD, 16);
    Font body = new Font(Font.SERIF, Font.PLAIN, 13);
    for (int y = 80; y + cardH < h * 2 / 3; y += cardH + 20) {
      for (int x = x0; x + cardW < w - 16; x += cardW + 20) {
        g.setColor(card);
        g.fillRoundRect(x, y, cardW, cardH, 12, 12);
        g.setColor(dark ? new Color(0x3a444f) : new Color(0xd9d9d9));
        g.setStroke(new BasicStroke(1f));
        g.drawRoundRect(x, y, cardW, cardH, 12, 12);
        g.setColor(text);
        g.setFont(title);
        g.drawString("Card " + r.nextInt(1000) + ": sales report", x + 16, y + 30);
        g.setFont(body);
        for (int l = 0; l < 4; l++) {
          g.drawString("Line " + l + " of text, value " + r.nextInt(100_000), x + 16, y + 58 + l * 20);
        }
        g.setColor(new Color(r.nextInt(0xffffff)));
        g.fillOval(x + cardW - 56, y + 14, 40, 40);
        g.setColor(accent);
        g.fillRoundRect(x + 16, y + cardH - 46, 110, 32, 8, 8);
        g.setColor(Color.WHITE);
        g.drawString("Open", x + 50, y + cardH - 25);
      }
    }
    g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 13));
    int top = h * 2 / 3 + 10;
    for (int row = 0, y = top; y < h - 10; row++, y += 28) {
      g.setColor(row % 2 == 0 ? card : page);
      g.fillRect(x0, y, w - x0 - 16, 28);
      g.setColor(text);
      for (int c = 0, x = x0 + 12; x < w - 200; c++, x += 220) {
        g.drawString(String.format(Locale.ROOT, "%08x %6.2f", r.nextInt(), r.nextDouble() * 1000), x, y + 19);
      }
    }
    g.dispose();
    return img;
  }

  /** Sets 1 % of the pixels, chosen at random, to black on light and white on dark ground. */
  static BufferedImage changeOnePercent(BufferedImage base, long seed) {
    int w = base.getWidth();
    int h = base.getHeight();
    BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
    int[] px = base.getRGB(0, 0, w, h, null, 0, w);
    Random r = new Random(seed);
    int n = px.length / 100;
    boolean[] done = new boolean[px.length];
    for (int changed = 0; changed < n; ) {
      int i = r.nextInt(px.length);
      if (done[i]) {
        continue;
      }
      done[i] = true;
      int c = px[i];
      int luma = ((c >> 16 & 0xff) * 299 + (c >> 8 & 0xff) * 587 + (c & 0xff) * 114) / 1000;
      px[i] = luma > 127 ? 0xff101010 : 0xfff0f0f0;
      changed++;
    }
    img.setRGB(0, 0, w, h, px, 0, w);
    return img;
  }

  // ---------------------------------------------------------------------------------------------
  // The measurements

  record Pair(String name, Path a, Path b) {}

  static void run(String[] args) throws Exception {
    Path dir = Path.of(args[1]);
    Map<String, String> opt = new LinkedHashMap<>();
    for (int i = 2; i + 1 < args.length; i += 2) {
      opt.put(args[i], args[i + 1]);
    }
    int reps = Integer.parseInt(opt.getOrDefault("--reps", "7"));
    int warmup = Integer.parseInt(opt.getOrDefault("--warmup", "3"));
    String odiff = opt.get("--odiff");
    String node = opt.get("--node");
    String helper = opt.get("--helper");
    Path out = Files.createDirectories(Path.of(opt.get("--out")));

    List<Pair> pairs =
        List.of(
            new Pair("changed", dir.resolve("base.png"), dir.resolve("changed.png")),
            new Pair("identical", dir.resolve("base.png"), dir.resolve("base-copy.png")),
            new Pair("different", dir.resolve("base.png"), dir.resolve("other.png")));
    ImageDiffer differ = new ImageDiffer(DiffOptions.DEFAULT);

    Process helperProcess =
        new ProcessBuilder(node, helper).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    BufferedWriter toHelper =
        new BufferedWriter(
            new OutputStreamWriter(helperProcess.getOutputStream(), StandardCharsets.UTF_8));
    BufferedReader fromHelper =
        new BufferedReader(
            new InputStreamReader(helperProcess.getInputStream(), StandardCharsets.UTF_8));

    String[] tools = {"ours", "odiff_cli", "odiff_server", "pixelmatch"};
    Map<String, List<Double>> times = new LinkedHashMap<>();
    Map<String, Long> counts = new LinkedHashMap<>();
    for (int round = 0; round < warmup + reps; round++) {
      boolean measured = round >= warmup;
      for (Pair p : pairs) {
        for (String tool : tools) {
          Path diffOut = out.resolve(p.name() + "-" + tool + ".png");
          long t0 = System.nanoTime();
          double ms;
          long count;
          switch (tool) {
            case "ours" -> {
              DiffResult r = differ.diff(Files.readAllBytes(p.a()), Files.readAllBytes(p.b()));
              Files.write(diffOut, r.diffPng());
              ms = (System.nanoTime() - t0) / 1e6;
              count = r.mismatchedPixels();
            }
            case "odiff_cli" -> {
              Process proc =
                  new ProcessBuilder(
                          odiff,
                          p.a().toString(),
                          p.b().toString(),
                          diffOut.toString(),
                          "--antialiasing",
                          "--threshold=0.1",
                          "--parsable-stdout")
                      .redirectErrorStream(true)
                      .start();
              String stdout = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
              int exit = proc.waitFor();
              ms = (System.nanoTime() - t0) / 1e6;
              if (exit != 0 && exit != 22) {
                throw new IllegalStateException("odiff exited " + exit + ": " + stdout);
              }
              String first = stdout.trim().split(";")[0];
              count = exit == 0 || first.isEmpty() ? 0 : Long.parseLong(first);
            }
            default -> {
              String request =
                  "{\"tool\":\""
                      + tool
                      + "\",\"a\":\""
                      + p.a()
                      + "\",\"b\":\""
                      + p.b()
                      + "\",\"out\":\""
                      + diffOut
                      + "\"}";
              toHelper.write(request);
              toHelper.newLine();
              toHelper.flush();
              String line = fromHelper.readLine();
              if (line == null) {
                throw new IllegalStateException("the node helper exited");
              }
              // "<ms> <count>", timed inside node.
              String[] parts = line.trim().split(" ");
              if (!parts[0].matches("[0-9.]+")) {
                throw new IllegalStateException("node helper: " + line);
              }
              ms = Double.parseDouble(parts[0]);
              count = Long.parseLong(parts[1]);
            }
          }
          if (measured) {
            times.computeIfAbsent(p.name() + "_" + tool, k -> new ArrayList<>()).add(ms);
            counts.put(p.name() + "_" + tool, count);
          }
        }
      }
    }
    toHelper.close();
    helperProcess.waitFor();

    // Our pictures must be pixelmatch's, pixel for pixel; identical bytes are not decoded, their
    // picture is blank (white).
    for (Pair p : pairs) {
      int[] ours = PngCodec.decode(Files.readAllBytes(out.resolve(p.name() + "-ours.png"))).argb();
      int[] theirs =
          PngCodec.decode(Files.readAllBytes(out.resolve(p.name() + "-pixelmatch.png"))).argb();
      boolean same =
          Arrays.equals(Files.readAllBytes(p.a()), Files.readAllBytes(p.b()))
              ? ours.length == theirs.length && Arrays.stream(ours).allMatch(c -> c == 0xffffffff)
              : Arrays.equals(ours, theirs);
      System.out.printf("result %s_picture_same %b%n", p.name(), same);
    }

    for (Map.Entry<String, List<Double>> e : times.entrySet()) {
      System.out.printf(Locale.ROOT, "result %s_median_ms %.2f%n", e.getKey(), median(e.getValue()));
      System.out.printf(Locale.ROOT, "result %s_runs %s%n", e.getKey(), runs(e.getValue()));
      System.out.printf(Locale.ROOT, "result %s_count %d%n", e.getKey(), counts.get(e.getKey()));
      // Each tool ran right after ours in the same round: the ratio per round is what the load,
      // which drifts between rounds, disturbs least.
      String pair = e.getKey().substring(0, e.getKey().indexOf('_'));
      List<Double> ours = times.get(pair + "_ours");
      List<Double> ratios = new ArrayList<>();
      for (int i = 0; i < ours.size(); i++) {
        ratios.add(e.getValue().get(i) / ours.get(i));
      }
      System.out.printf(Locale.ROOT, "result %s_paired_ratio %.2f%n", e.getKey(), median(ratios));
    }

    // The fast path: identical bytes, figures only (what GET /diff/{a}/{a}/info and the command
    // line without --out do), bytes already in memory.
    byte[] a = Files.readAllBytes(dir.resolve("base.png"));
    byte[] copy = Files.readAllBytes(dir.resolve("base-copy.png"));
    List<Double> fast = new ArrayList<>();
    for (int i = 0; i < 2000 + 1000; i++) {
      long t0 = System.nanoTime();
      DiffResult r = differ.compare(a, copy);
      double us = (System.nanoTime() - t0) / 1e3;
      if (!r.identical()) {
        throw new IllegalStateException("identical bytes not identical");
      }
      if (i >= 2000) {
        fast.add(us);
      }
    }
    System.out.printf(Locale.ROOT, "result fast_path_median_us %.1f%n", median(fast));
    System.out.printf(Locale.ROOT, "result png_bytes %d%n", a.length);
  }

  static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  static String runs(List<Double> values) {
    StringBuilder s = new StringBuilder();
    for (double v : values) {
      s.append(String.format(Locale.ROOT, "%.1f ", v));
    }
    return s.toString().trim();
  }
}
