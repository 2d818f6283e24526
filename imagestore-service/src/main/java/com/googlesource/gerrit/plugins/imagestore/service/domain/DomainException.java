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

package com.googlesource.gerrit.plugins.imagestore.service.domain;

/**
 * A request the service refuses for a reason of its own rules, not a failure: the input is wrong,
 * the thing is absent, or the state forbids it. {@link #code} is stable, for machines; the message
 * is for people. How a refusal reaches a client (an HTTP status, say) is the web layer's business.
 */
public abstract sealed class DomainException extends RuntimeException
    permits AccountChangedException,
        BusyException,
        ConflictException,
        InvalidInputException,
        NotFoundException,
        TooLargeException,
        UnprocessableException {
  private static final long serialVersionUID = 1L;

  private final String code;

  protected DomainException(String code, String message) {
    super(message);
    this.code = code;
  }

  /** The stable error code, such as {@code not_content_id} or {@code diff_too_large}. */
  public String code() {
    return code;
  }
}
