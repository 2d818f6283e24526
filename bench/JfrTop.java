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

import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where a JFR recording's CPU samples went (bench/upload-profile.sh): of the jdk.ExecutionSample
 * events (Java code on a CPU; time in system calls and the JVM's own threads are not sampled), the
 * share per thread group, then, of the
 * request threads (Jetty's pool, "imagestore-http-N"), the share of samples each method is on the stack of
 * (inclusive, counted once per sample) and the share it is the top frame of (self).
 *
 * <p>Usage: java JfrTop.java RECORDING.jfr [TOP_N]
 */
public class JfrTop {
  public static void main(String[] args) throws Exception {
    int top = args.length > 1 ? Integer.parseInt(args[1]) : 40;
    Map<String, Integer> threads = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> ours = new HashMap<>();
    int all = 0;
    int requests = 0;
    for (RecordedEvent e : RecordingFile.readAllEvents(Path.of(args[0]))) {
      if (!e.getEventType().getName().equals("jdk.ExecutionSample")) {
        continue;
      }
      all++;
      String thread = e.getThread("sampledThread").getJavaName();
      String group = thread == null ? "?" : thread.replaceAll("[-0-9]+$", "");
      threads.merge(group, 1, Integer::sum);
      if (thread == null || !thread.startsWith("imagestore-http") || e.getStackTrace() == null) {
        continue;
      }
      requests++;
      List<RecordedFrame> frames = e.getStackTrace().getFrames();
      Set<String> seen = new HashSet<>();
      for (RecordedFrame f : frames) {
        String m = f.getMethod().getType().getName().replaceAll("^.*\\.", "") + "." + f.getMethod().getName();
        if (seen.add(m)) {
          inclusive.merge(m, 1, Integer::sum);
          if (f.getMethod().getType().getName().contains(".imagestore.")) {
            ours.merge(m, 1, Integer::sum);
          }
        }
      }
      if (!frames.isEmpty()) {
        RecordedFrame f = frames.get(0);
        self.merge(f.getMethod().getType().getName() + "." + f.getMethod().getName(), 1, Integer::sum);
      }
    }
    System.out.printf("samples: %d, of request threads (imagestore-http-*): %d%n", all, requests);
    print("thread groups (share of all samples)", threads, all, top);
    print("request threads, inclusive", inclusive, requests, top);
    print("request threads, inclusive, imagestore's own methods", ours, requests, top);
    print("request threads, self", self, requests, top);
  }

  private static void print(String title, Map<String, Integer> counts, int total, int top) {
    System.out.println("== " + title);
    counts.entrySet().stream()
        .sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
        .limit(top)
        .forEach(
            en ->
                System.out.printf(
                    "%5.1f %%  %5d  %s%n", 100.0 * en.getValue() / total, en.getValue(), en.getKey()));
  }
}
