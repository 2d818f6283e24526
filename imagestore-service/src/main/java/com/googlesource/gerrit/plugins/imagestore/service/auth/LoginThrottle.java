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

import com.google.common.base.Ticker;
import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.google.common.net.InetAddresses;
import com.googlesource.gerrit.plugins.imagestore.service.config.ServiceConfig;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts failed logins per client address and per account, in fixed windows: once an address has
 * failed {@code perAddress} times in a window (or an account {@code perAccount} times, from
 * anywhere), every further attempt from it (for it) is refused without checking the password until
 * the window that began with the first failure ends. Successes reset nothing: an attacker cannot
 * interleave logins of an account of his own.
 *
 * <p>Memory stays bounded: each side is a cache of at most {@link #MAX_KEYS} windows, which expire
 * with their window. IPv6 addresses count by their /64 network, which one host usually owns whole.
 */
public final class LoginThrottle {
  static final int MAX_KEYS = 10_000;

  private final int perAddress;
  private final int perAccount;
  private final long windowNanos;
  private final Ticker ticker;
  private final Cache<String, Window> addresses;
  private final Cache<String, Window> accounts;

  public LoginThrottle(ServiceConfig.LoginLimits limits) {
    this(limits.perAddress(), limits.perAccount(), limits.window(), Ticker.systemTicker());
  }

  LoginThrottle(int perAddress, int perAccount, Duration window, Ticker ticker) {
    this.perAddress = perAddress;
    this.perAccount = perAccount;
    this.windowNanos = window.toNanos();
    this.ticker = ticker;
    this.addresses = cache();
    this.accounts = cache();
  }

  private Cache<String, Window> cache() {
    return CacheBuilder.newBuilder()
        .maximumSize(MAX_KEYS)
        .expireAfterWrite(windowNanos, TimeUnit.NANOSECONDS)
        .ticker(ticker)
        .build();
  }

  private static final class Window {
    final long start;
    final AtomicInteger failures = new AtomicInteger();

    Window(long start) {
      this.start = start;
    }
  }

  /**
   * How many seconds the caller must wait before trying these credentials, or 0 when it may try
   * now.
   */
  public long retryAfterSeconds(String address, String account) {
    return Math.max(
        wait(addresses.getIfPresent(key(address)), perAddress),
        wait(accounts.getIfPresent(account), perAccount));
  }

  /** Counts a failed login of {@code account} from {@code address}. */
  public void failed(String address, String account) {
    count(addresses, key(address));
    count(accounts, account);
  }

  private long wait(Window w, int limit) {
    if (w == null || w.failures.get() < limit) {
      return 0;
    }
    long left = w.start + windowNanos - ticker.read();
    return left <= 0 ? 0 : Math.max(1, TimeUnit.NANOSECONDS.toSeconds(left + 999_999_999L));
  }

  private void count(Cache<String, Window> cache, String key) {
    try {
      cache.get(key, () -> new Window(ticker.read())).failures.incrementAndGet();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Windows held, addresses and accounts together (for tests). */
  long size() {
    return addresses.size() + accounts.size();
  }

  /** The address as counted: IPv6 by its /64 network. */
  static String key(String address) {
    if (address == null || !InetAddresses.isInetAddress(address)) {
      return String.valueOf(address);
    }
    InetAddress a = InetAddresses.forString(address);
    if (a instanceof Inet6Address) {
      byte[] bytes = a.getAddress();
      for (int i = 8; i < 16; i++) {
        bytes[i] = 0;
      }
      try {
        return InetAddresses.toAddrString(InetAddress.getByAddress(bytes)) + "/64";
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e); // 16 bytes are always an address
      }
    }
    return a.getHostAddress();
  }
}
