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

package com.googlesource.gerrit.plugins.imagestore.ssh;

import com.google.gerrit.entities.Project;
import com.google.gerrit.extensions.annotations.RequiresCapability;
import com.google.gerrit.server.project.ProjectCache;
import com.google.gerrit.sshd.CommandMetaData;
import com.google.gerrit.sshd.SshCommand;
import com.google.inject.Inject;
import com.googlesource.gerrit.plugins.imagestore.ReindexCapability;
import com.googlesource.gerrit.plugins.imagestore.config.ImagestoreConfig;
import com.googlesource.gerrit.plugins.imagestore.index.Indexer;
import com.googlesource.gerrit.plugins.imagestore.queue.Job;
import com.googlesource.gerrit.plugins.imagestore.queue.JobWorker;
import java.io.IOException;
import java.util.List;
import org.kohsuke.args4j.Option;

/**
 * {@code ssh gerrit imagestore reindex [--project P]}: rescans now, printing progress. One project
 * at a time, holding only that project's references and its lock: the worker indexes pushes
 * meanwhile, a push of the project being rescanned after that project's rescan. A project that
 * fails (the service is down, say) is queued for retry in the outbox.
 */
@RequiresCapability(ReindexCapability.NAME)
@CommandMetaData(
    name = "reindex",
    description = "Rescan .lnk references and send them to the image service")
public class ReindexCommand extends SshCommand {
  @Option(name = "--project", metaVar = "PROJECT", usage = "only this project")
  private String project;

  @Inject private Indexer indexer;
  @Inject private ImagestoreConfig config;
  @Inject private ProjectCache projects;
  @Inject private JobWorker worker;

  @Override
  protected void run() throws UnloggedFailure {
    List<String> names;
    if (project != null) {
      if (projects.get(Project.nameKey(project)).isEmpty()) {
        throw die("no project " + project);
      }
      if (!config.isEnabled(Project.nameKey(project))) {
        throw die("imagestore is not enabled for " + project + " (plugin.imagestore.enabled)");
      }
      names = List.of(project);
    } else {
      names = indexer.enabledProjects();
    }
    int failed = 0;
    int references = 0;
    for (int i = 0; i < names.size(); i++) {
      String name = names.get(i);
      stdout.printf("[%d/%d] %s%n", i + 1, names.size(), name);
      stdout.flush();
      try {
        Indexer.ProjectScan scan =
            indexer.rescanProject(
                name,
                line -> {
                  stdout.println("  " + line);
                  stdout.flush();
                });
        references += scan.references();
      } catch (IOException e) {
        failed++;
        stdout.printf("  failed: %s (queued for retry)%n", e.getMessage());
        try {
          worker.submit(new Job.RescanProject(name));
        } catch (IOException e2) {
          stdout.printf("  cannot queue it either: %s%n", e2.getMessage());
        }
      }
    }
    worker.kick();
    stdout.printf(
        "reindexed %d of %d projects, %d references%n",
        names.size() - failed, names.size(), references);
    if (failed > 0) {
      throw die(failed + " projects failed; they are queued for retry");
    }
  }
}
