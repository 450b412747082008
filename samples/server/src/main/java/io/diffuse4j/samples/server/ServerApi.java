package io.diffuse4j.samples.server;

import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What every HTTP API of the server works with: the model host, the job queue, the JSON mapper and
 * the settings. Thread-safe (all four are).
 */
abstract class ServerApi {

  final ModelHost models;
  final JobQueue queue;
  final ObjectMapper json;
  final ServerSettings settings;

  ServerApi(ModelHost models, JobQueue queue, ObjectMapper json, ServerSettings settings) {
    this.models = models;
    this.queue = queue;
    this.json = json;
    this.settings = settings;
  }
}
