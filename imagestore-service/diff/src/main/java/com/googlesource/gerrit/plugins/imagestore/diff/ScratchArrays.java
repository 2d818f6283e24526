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

package com.googlesource.gerrit.plugins.imagestore.diff;

import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The large arrays of a comparison (inflated image data, decoded pixels, the picture's rows), kept
 * for the next comparison of the same size when it gives them back. Allocating them afresh costs
 * more than the comparison's own work on a busy machine: a 1920x1080 diff needs ~35 MB, which the
 * JVM zeroes and which G1 allocates as humongous objects, so every few diffs a young pause.
 *
 * <p>Shared by all comparisons of the process (they run concurrently in the service): an array is
 * handed to one taker only. Idle arrays are bounded ({@link #MAX_IDLE_BYTES}) and softly held, so
 * the collector clears them before the heap runs short: the diff gate's memory budget covers the
 * comparisons running, and idle arrays never make one of them fail. Arrays come back with the
 * content they had: takers write every element before they read it.
 */
final class ScratchArrays {
  /** Two 2560x1440 comparisons' decode buffers; idle arrays beyond are dropped, oldest first. */
  static final long MAX_IDLE_BYTES = 128L << 20;

  /** Larger arrays are not kept: images that large are rare, and they would crowd the others. */
  static final long MAX_KEPT_BYTES = 32L << 20;

  private record Idle(SoftReference<Object> array, int length, boolean ints, long bytes) {}

  /** Most recently given back first. */
  private static final ArrayDeque<Idle> idle = new ArrayDeque<>();

  private static long idleBytes;

  /** A byte array of exactly {@code length} elements, with undefined content. */
  static byte[] bytes(int length) {
    Object kept = take(length, false);
    return kept != null ? (byte[]) kept : new byte[length];
  }

  /** An int array of exactly {@code length} elements, with undefined content. */
  static int[] ints(int length) {
    Object kept = take(length, true);
    return kept != null ? (int[]) kept : new int[length];
  }

  /** Gives back an array that the caller and everything it handed the array to no longer use. */
  static void give(byte[] array) {
    keep(array, array.length, false, array.length);
  }

  /** As {@link #give(byte[])}. */
  static void give(int[] array) {
    keep(array, array.length, true, 4L * array.length);
  }

  private static synchronized Object take(int length, boolean ints) {
    for (Iterator<Idle> it = idle.iterator(); it.hasNext(); ) {
      Idle entry = it.next();
      Object array = entry.array().get();
      if (array == null) {
        it.remove();
        idleBytes -= entry.bytes();
      } else if (entry.length() == length && entry.ints() == ints) {
        it.remove();
        idleBytes -= entry.bytes();
        return array;
      }
    }
    return null;
  }

  private static synchronized void keep(Object array, int length, boolean ints, long bytes) {
    if (bytes > MAX_KEPT_BYTES) {
      return;
    }
    idle.addFirst(new Idle(new SoftReference<>(array), length, ints, bytes));
    idleBytes += bytes;
    while (idleBytes > MAX_IDLE_BYTES) {
      idleBytes -= idle.removeLast().bytes();
    }
  }

  /** Bytes of the arrays kept now (cleared ones included until a taker notices), for tests. */
  static synchronized long idleBytes() {
    return idleBytes;
  }

  private ScratchArrays() {}
}
