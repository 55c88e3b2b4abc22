package dev.lazyarrow.spark;

import org.apache.spark.sql.SparkSession;

/** The local Spark session of the tests: two cores, a task retried once, UTC, no UI. */
final class SparkSessions {
  private SparkSessions() {}

  static SparkSession start() {
    return SparkSession.builder()
        .master("local[2,2]")
        .appName("lazyarrow-spark tests")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.datetime.java8API.enabled", "true")
        .getOrCreate();
  }
}
