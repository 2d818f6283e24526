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

package com.googlesource.gerrit.plugins.imagestore.service.audit;

/**
 * One line of the audit log. {@code at} is epoch milliseconds; {@code actor} is the account, or
 * {@code system} for the service's own tasks; {@code address} is null for those.
 */
public record AuditEntry(
    long id,
    long at,
    String actor,
    String address,
    String action,
    String uuid,
    String sha256,
    long size,
    long bytesFreed,
    String detail) {}
