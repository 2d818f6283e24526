# Copyright (C) 2026 The imagestore Authors
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
# http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

"""Third-party jars of the plugin's tests that Gerrit's tree does not name for plugins.

Gerrit's WORKSPACE calls external_plugin_deps() from plugins/external_plugin_deps.bzl: copy (or
link) this file there when building the plugin in a Gerrit source tree. The versions are those of
plugin.pom.xml (and of the commonmark Gerrit ships for Gitiles).
"""

load("//tools/bzl:maven_jar.bzl", "maven_jar")

COMMONMARK_VERSION = "0.21.0"

def external_plugin_deps():
    """Declares the tests' commonmark jars (the review comment is parsed as a renderer would)."""
    maven_jar(
        name = "imagestore-commonmark",
        artifact = "org.commonmark:commonmark:" + COMMONMARK_VERSION,
        sha1 = "c98f0473b17c87fe4fa2fc62a7c6523a2fe018f0",
    )
    maven_jar(
        name = "imagestore-commonmark-autolink",
        artifact = "org.commonmark:commonmark-ext-autolink:" + COMMONMARK_VERSION,
        sha1 = "55c0312cf443fa3d5af0daeeeca00d6deee3cf90",
        deps = ["@imagestore-autolink//jar"],
    )
    maven_jar(
        name = "imagestore-autolink",
        artifact = "org.nibor.autolink:autolink:0.10.0",
        sha1 = "6579ea7079be461e5ffa99f33222a632711cc671",
    )
