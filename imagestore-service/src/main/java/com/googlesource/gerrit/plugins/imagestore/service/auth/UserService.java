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

package com.googlesource.gerrit.plugins.imagestore.service.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.googlesource.gerrit.plugins.imagestore.service.auth.UserRepository.Account;
import com.googlesource.gerrit.plugins.imagestore.service.db.Database;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Accounts with bcrypt-hashed passwords.
 *
 * <p>bcrypt is slow on purpose, too slow to run on every upload of a test run; a password that
 * verified once is remembered for a few minutes as an HMAC under a key that lives only in this
 * process, never as the password itself.
 */
public final class UserService {
  private static final Pattern NAME = Pattern.compile("^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$");
  private static final int BCRYPT_COST = 12;
  public static final int MIN_PASSWORD_LENGTH = 8;

  /** bcrypt reads at most 72 bytes of a password. */
  public static final int MAX_PASSWORD_BYTES = 72;

  private final Database db;
  private final UserRepository users = new UserRepository();
  private final Clock clock;
  private final SecretKeySpec cacheKey;
  private final ConcurrentHashMap<String, CompletableFuture<Boolean>> inFlight =
      new ConcurrentHashMap<>();
  private final AtomicLong bcryptRuns = new AtomicLong();
  private final Cache<String, byte[]> verified;

  /** Account rows of passwords verified recently, for {@link #authenticateProvisionally}. */
  private final Cache<String, Account> accounts;

  public UserService(Database db, Clock clock) {
    this(db, clock, Ticker.systemTicker());
  }

  /** With {@code ticker} for the caches' ages (monotonic; tests hold it still). */
  public UserService(Database db, Clock clock, Ticker ticker) {
    this.db = db;
    this.clock = clock;
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    this.cacheKey = new SecretKeySpec(key, "HmacSHA256");
    this.verified =
        CacheBuilder.newBuilder()
            .ticker(ticker)
            .maximumSize(10_000)
            .expireAfterWrite(Duration.ofMinutes(5))
            .build();
    this.accounts =
        CacheBuilder.newBuilder()
            .ticker(ticker)
            .maximumSize(1_000)
            .expireAfterWrite(ACCOUNT_TTL)
            .build();
  }

  /** Creates an account or replaces its password and roles. */
  public void put(String name, char[] password, Set<Role> roles) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "a user name is 1 to 64 letters, digits or . _ @ - and starts with a letter or digit");
    }
    byte[] pw = new String(password).getBytes(StandardCharsets.UTF_8);
    if (password.length < MIN_PASSWORD_LENGTH) {
      throw new IllegalArgumentException(
          "the password must have at least " + MIN_PASSWORD_LENGTH + " characters");
    }
    if (pw.length > MAX_PASSWORD_BYTES) {
      throw new IllegalArgumentException(
          "the password must have at most " + MAX_PASSWORD_BYTES + " bytes (a bcrypt limit)");
    }
    if (roles.isEmpty()) {
      throw new IllegalArgumentException("give the user at least one role");
    }
    String hash = BCrypt.withDefaults().hashToString(BCRYPT_COST, password);
    db.inTransaction(
        c -> {
          users.delete(c, name);
          users.insert(c, name, hash, roles, clock.millis());
          return null;
        });
    forgetAll();
  }

  public boolean remove(String name) {
    boolean removed = db.inTransaction(c -> users.delete(c, name));
    forgetAll();
    return removed;
  }

  /** After a change of accounts committed: nothing read before it is answered from memory. */
  private void forgetAll() {
    accountChanges.incrementAndGet();
    verified.invalidateAll();
    accounts.invalidateAll();
  }

  /**
   * The account row remembered for {@code name} is stale (an upload found it changed when it
   * committed): the next request reads it again instead of letting it in for seconds more.
   */
  public void forget(String name) {
    accounts.invalidate(name);
  }

  /** Changes of accounts made by this process: a row read before one is not remembered. */
  private final AtomicLong accountChanges = new AtomicLong();

  /** Names and roles of all accounts. */
  public List<User> list() {
    return db.read(users::list);
  }

  /** The account these credentials belong to, or empty when they are wrong. */
  public Optional<User> authenticate(String name, String password) {
    // bcrypt throws on longer passwords; put() never stores one, so it cannot be right.
    if (!plausible(name, password)) {
      return Optional.empty();
    }
    return read(name).flatMap(a -> verify(a, password));
  }

  /**
   * Like {@link #authenticate}, from the account row as read up to {@link #ACCOUNT_TTL} ago when
   * the password is one verified before, and else from the database. The caller's change must
   * confirm the returned stamp in its own transaction ({@link AccountStamp#confirmed}): this answer
   * may predate a removal, a password change or a role taken away by another process. Uploads, many
   * per second from one test run, so spare a statement each.
   */
  public Optional<User> authenticateProvisionally(String name, String password, Role role) {
    if (!plausible(name, password)) {
      return Optional.empty();
    }
    Account known = accounts.getIfPresent(name);
    if (known != null && verifiedBefore(known, tag(known, password))) {
      return stamp(known, role);
    }
    // Not seen, or another password (perhaps changed elsewhere): as authenticate() does.
    long changes = accountChanges.get();
    Optional<Account> fresh = read(name);
    if (fresh.isEmpty() || verify(fresh.get(), password).isEmpty()) {
      return Optional.empty();
    }
    if (accountChanges.get() == changes) {
      accounts.put(name, fresh.get()); // else it may predate a put() or remove() of this process
    }
    return stamp(fresh.get(), role);
  }

  /** How long {@link #authenticateProvisionally} answers from an account row read before. */
  public static final Duration ACCOUNT_TTL = Duration.ofSeconds(10);

  private static Optional<User> stamp(Account a, Role role) {
    return Optional.of(new User(a.name(), a.roles(), new AccountStamp(a.name(), a.hash(), role)));
  }

  /** The account row, or empty (after the time a bcrypt takes, so names cannot be probed). */
  private Optional<Account> read(String name) {
    Optional<Account> account = db.read(c -> users.find(c, name));
    if (account.isEmpty()) {
      bcrypt("not-a-real-password", DUMMY_HASH);
    }
    return account;
  }

  private Optional<User> verify(Account a, String password) {
    byte[] tag = tag(a, password);
    if (verifiedBefore(a, tag) || verifyOnce(tag, cacheId(a), password, a.hash())) {
      return Optional.of(new User(a.name(), a.roles()));
    }
    return Optional.empty();
  }

  /** Whether the password of this tag verified against this hash within the last minutes. */
  private boolean verifiedBefore(Account a, byte[] tag) {
    byte[] known = verified.getIfPresent(cacheId(a));
    return known != null && MessageDigest.isEqual(known, tag);
  }

  private static String cacheId(Account a) {
    return a.name() + '\0' + a.hash();
  }

  private byte[] tag(Account a, String password) {
    return hmac(cacheId(a) + '\0' + password);
  }

  /**
   * bcrypt, but once for concurrent requests with the same credentials: a client opening 32
   * connections at once would otherwise pay 32 bcrypt rounds (seconds of CPU) before the cache
   * knows the password.
   */
  private boolean verifyOnce(byte[] tag, String cacheId, String password, String hash) {
    String key = HexFormat.of().formatHex(tag);
    CompletableFuture<Boolean> mine = new CompletableFuture<>();
    CompletableFuture<Boolean> running = inFlight.putIfAbsent(key, mine);
    if (running != null) {
      try {
        return running.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof RuntimeException cause) {
          throw cause; // LoginBusyException, mostly
        }
        throw e;
      }
    }
    try {
      bcryptRuns.incrementAndGet();
      boolean ok = bcrypt(password, hash);
      if (ok) {
        verified.put(cacheId, tag);
      }
      mine.complete(ok);
      return ok;
    } catch (RuntimeException e) {
      mine.completeExceptionally(e);
      throw e;
    } finally {
      inFlight.remove(key, mine);
    }
  }

  /**
   * One bcrypt verification, when one of the {@link #BCRYPT_CONCURRENCY} slots frees within {@link
   * #BCRYPT_WAIT}: a flood of logins (wrong ones, from many addresses) occupies at most half the
   * cores, and the rest of the service goes on.
   *
   * @throws LoginBusyException when no slot freed in time
   */
  private boolean bcrypt(String password, String hash) {
    try {
      if (!bcryptSlots.tryAcquire(BCRYPT_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new LoginBusyException();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LoginBusyException();
    }
    try {
      bcryptPeak.accumulateAndGet(bcryptRunning.incrementAndGet(), Math::max);
      return BCrypt.verifyer().verify(password.toCharArray(), hash).verified;
    } finally {
      bcryptRunning.decrementAndGet();
      bcryptSlots.release();
    }
  }

  /** Password checks that run at once: half the cores, at least one. */
  public static final int BCRYPT_CONCURRENCY =
      Math.max(1, Runtime.getRuntime().availableProcessors() / 2);

  /** How long a login waits for a free bcrypt slot before it is answered 503. */
  public static final Duration BCRYPT_WAIT = Duration.ofSeconds(10);

  private final Semaphore bcryptSlots = new Semaphore(BCRYPT_CONCURRENCY, true);
  private final AtomicInteger bcryptRunning = new AtomicInteger();
  private final AtomicInteger bcryptPeak = new AtomicInteger();

  /** The most bcrypt verifications that ever ran at once (for tests). */
  int bcryptPeak() {
    return bcryptPeak.get();
  }

  /** Whether these credentials could belong to an account at all (else no check runs). */
  public static boolean plausible(String name, String password) {
    return name != null
        && password != null
        && NAME.matcher(name).matches()
        && password.getBytes(StandardCharsets.UTF_8).length <= MAX_PASSWORD_BYTES;
  }

  /** How many bcrypt verifications of real accounts ran (for tests). */
  long bcryptRuns() {
    return bcryptRuns.get();
  }

  private static final String DUMMY_HASH =
      BCrypt.withDefaults().hashToString(BCRYPT_COST, "not-a-real-password".toCharArray());

  private byte[] hmac(String value) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(cacheKey);
      return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }
}
