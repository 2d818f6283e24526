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

// Prints Gerrit's stored form of an HTTP password (a "bcrypt0:..." string), as Gerrit itself
// computes it, for the 'password' key of an external ID in All-Users.git. The password is read
// from the first line of standard input so that it never appears in a process list.
//
//   printf '%s\n' "$PW" | java -cp CLASSPATH tools/devstack/HashPassword.java

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;

public class HashPassword {
  public static void main(String[] args) throws Exception {
    String password =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
    if (password == null || password.isEmpty()) {
      System.err.println("HashPassword: no password on standard input");
      System.exit(2);
    }
    Class<?> hashed = Class.forName("com.google.gerrit.server.account.HashedPassword");
    Object hash = hashed.getMethod("fromPassword", String.class).invoke(null, password);
    System.out.println(hashed.getMethod("encode").invoke(hash));
  }
}
