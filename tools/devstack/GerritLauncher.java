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

// Runs one of Gerrit's server programs (com.google.gerrit.pgm.Init, Daemon, Reindex, ...) from the
// Maven jars, where there is no gerrit.war to start them with. Used by tools/devstack/stack.sh with
// Java's single-file source launcher:
//
//   java -cp CLASSPATH tools/devstack/GerritLauncher.java Init -d SITE --batch --dev --no-auto-start
//
// The programs' main(String[]) is an instance method of AbstractProgram that returns the exit code,
// so a plain 'java com.google.gerrit.pgm.Init' does not work: instantiate and call it instead.
// Reflection keeps this file free of compile-time dependencies.

import java.lang.reflect.InvocationTargetException;
import java.util.Arrays;

public class GerritLauncher {
  public static void main(String[] args) throws Exception {
    if (args.length == 0) {
      System.err.println("usage: GerritLauncher PROGRAM [ARGS...]   (e.g. Init, Daemon, Reindex)");
      System.exit(2);
    }
    Class<?> program = Class.forName("com.google.gerrit.pgm." + args[0]);
    Object instance = program.getDeclaredConstructor().newInstance();
    String[] rest = Arrays.copyOfRange(args, 1, args.length);
    int rc;
    try {
      rc = (Integer) program.getMethod("main", String[].class).invoke(instance, (Object) rest);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
    System.exit(rc);
  }
}
