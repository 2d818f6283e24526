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
