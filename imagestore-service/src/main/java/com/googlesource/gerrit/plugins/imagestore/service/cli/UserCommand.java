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

package com.googlesource.gerrit.plugins.imagestore.service.cli;

import com.googlesource.gerrit.plugins.imagestore.service.Imagestore;
import com.googlesource.gerrit.plugins.imagestore.service.auth.Role;
import com.googlesource.gerrit.plugins.imagestore.service.auth.User;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code user add|list|remove}: the service's accounts. On PostgreSQL it works while the service
 * runs; the embedded database is one process's at a time (exit code 3 while a service has it).
 */
@Command(
    name = "user",
    mixinStandardHelpOptions = true,
    description = "Manage accounts (roles: uploader, indexer, admin).",
    subcommands = {UserCommand.Add.class, UserCommand.ListUsers.class, UserCommand.Remove.class})
final class UserCommand implements Runnable {
  @Override
  public void run() {
    System.err.println("give a subcommand: add, list or remove (see 'user --help')");
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description =
          "Create an account, or replace its password and roles. The password is read from the"
              + " first line of standard input.")
  static final class Add implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Option(
        names = "--role",
        required = true,
        paramLabel = "ROLE",
        split = ",",
        description = "uploader, indexer or admin; repeat or comma-separate for several.")
    List<String> roles;

    @Override
    public Integer call() throws IOException {
      EnumSet<Role> parsed = EnumSet.noneOf(Role.class);
      try {
        roles.forEach(r -> parsed.add(Role.parse(r)));
      } catch (IllegalArgumentException e) {
        System.err.println("imagestore: " + e.getMessage());
        return 2;
      }
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line = in.readLine();
      if (line == null || line.isEmpty()) {
        System.err.println("imagestore: no password on standard input");
        return 2;
      }
      char[] password = line.toCharArray();
      try (Imagestore imagestore = Imagestore.open(store.toConfig())) {
        imagestore.users().put(name, password, parsed);
      } catch (IllegalArgumentException e) {
        System.err.println("imagestore: " + e.getMessage());
        return 2;
      } finally {
        Arrays.fill(password, '\0');
      }
      System.out.println(
          "user "
              + name
              + " saved with roles "
              + parsed.stream().map(Role::wireName).collect(Collectors.joining(",")));
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List accounts.")
  static final class ListUsers implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Override
    public Integer call() throws IOException {
      try (Imagestore imagestore = Imagestore.open(store.toConfig())) {
        for (User u : imagestore.users().list()) {
          System.out.println(
              u.name()
                  + "\t"
                  + u.roles().stream().map(Role::wireName).collect(Collectors.joining(",")));
        }
      }
      return 0;
    }
  }

  @Command(name = "remove", mixinStandardHelpOptions = true, description = "Remove an account.")
  static final class Remove implements Callable<Integer> {
    @Mixin StoreOptions store;

    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Override
    public Integer call() throws IOException {
      try (Imagestore imagestore = Imagestore.open(store.toConfig())) {
        if (!imagestore.users().remove(name)) {
          System.err.println("imagestore: no user " + name);
          return 1;
        }
      }
      System.out.println("user " + name + " removed");
      return 0;
    }
  }
}
