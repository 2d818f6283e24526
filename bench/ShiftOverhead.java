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

// What the moved-content detection costs the plain diff (bench/shift-overhead.sh runs it).
//
//   ShiftOverhead BASE_JAR NEW_JAR PAIRS_DIR ROUNDS WARMUP
//
// Loads the diff engine twice, from BASE_JAR (a build without the detection) and NEW_JAR, each in
// its own class loader, and times ImageDiffer.diff (decode, compare, detect, draw and encode the
// picture) and ImageDiffer.compare (the figures of /diff/{a}/{b}/info) on bench/diff.sh's pairs:
// base.png against base-copy.png (identical bytes), changed.png (1 % of the pixels), other.png
// (another screen). In every round each pair runs on both engines back to back, the order
// rotating, so all see the same load. BASE_JAR is also loaded a second time ("base again"): its
// ratio to base is the noise floor of the measurement (the same code, timed the same way). Times
// are the calling thread's CPU time: run the JVM with -XX:ActiveProcessorCount=1 so the engine
// does all its work on that thread. Prints the median CPU ms per engine and the medians of the
// per-round ratios new/base and base again/base.

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

public class ShiftOverhead {
  record Engine(String name, Object differ, Method diff, Method compare) {
    static Engine load(String name, Path jar) throws Exception {
      ClassLoader loader =
          new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
      Class<?> options =
          loader.loadClass("com.googlesource.gerrit.plugins.imagestore.diff.DiffOptions");
      Class<?> differ =
          loader.loadClass("com.googlesource.gerrit.plugins.imagestore.diff.ImageDiffer");
      Object defaults = options.getField("DEFAULT").get(null);
      Object instance = differ.getConstructor(options).newInstance(defaults);
      return new Engine(
          name,
          instance,
          differ.getMethod("diff", byte[].class, byte[].class),
          differ.getMethod("compare", byte[].class, byte[].class));
    }

    long cpuNanos(ThreadMXBean threads, boolean picture, byte[] a, byte[] b) throws Exception {
      long start = threads.getCurrentThreadCpuTime();
      (picture ? diff : compare).invoke(differ, a, b);
      return threads.getCurrentThreadCpuTime() - start;
    }
  }

  public static void main(String[] args) throws Exception {
    Engine base = Engine.load("base", Path.of(args[0]));
    Engine again = Engine.load("base again", Path.of(args[0]));
    Engine changed = Engine.load("new", Path.of(args[1]));
    Path dir = Path.of(args[2]);
    int rounds = Integer.parseInt(args[3]);
    int warmup = Integer.parseInt(args[4]);
    byte[] a = Files.readAllBytes(dir.resolve("base.png"));
    String[] names = {"base-copy.png", "changed.png", "other.png"};
    String[] labels = {"identical", "1 %", "different"};
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    System.out.printf(
        Locale.ROOT,
        "processors %d%n| pair | call | base CPU ms (median) | new CPU ms (median) | new ÷ base (median"
            + " of %d paired rounds) | base again ÷ base (noise floor) |%n"
            + "| --- | --- | ---: | ---: | ---: | ---: |%n",
        Runtime.getRuntime().availableProcessors(),
        rounds);
    for (boolean picture : new boolean[] {true, false}) {
      for (int p = 0; p < names.length; p++) {
        byte[] b = Files.readAllBytes(dir.resolve(names[p]));
        List<Double> baseMs = new ArrayList<>();
        List<Double> newMs = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        List<Double> floor = new ArrayList<>();
        Engine[] engines = {base, again, changed};
        for (int round = 0; round < warmup + rounds; round++) {
          long[] t = new long[3];
          for (int k = 0; k < 3; k++) {
            int e = (k + round) % 3;
            t[e] = engines[e].cpuNanos(threads, picture, a, b);
          }
          if (round >= warmup) {
            baseMs.add(t[0] / 1e6);
            newMs.add(t[2] / 1e6);
            ratios.add((double) t[2] / Math.max(1, t[0]));
            floor.add((double) t[1] / Math.max(1, t[0]));
          }
        }
        System.out.printf(
            Locale.ROOT,
            "| %s | %s | %.2f | %.2f | %.3f | %.3f |%n",
            labels[p],
            picture ? "diff (picture)" : "compare (figures)",
            median(baseMs),
            median(newMs),
            median(ratios),
            median(floor));
        System.out.printf(
            Locale.ROOT,
            "result %s_%s_ratio %.3f%n",
            labels[p].replace(" %", "pct"),
            picture ? "diff" : "compare",
            median(ratios));
      }
    }
  }

  static double median(List<Double> values) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(v);
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }
}
