package org.kerasbridge.spark;

import java.net.URI;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * A Hadoop file system under the scheme {@code kbtest:} that stores its files on local disk: it
 * stands in for HDFS or S3 in tests, so models on it take the copy-to-a-local-file path.
 */
public class OtherSchemeFileSystem extends RawLocalFileSystem {
  static final String SCHEME = "kbtest";

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public URI getUri() {
    return URI.create(SCHEME + ":///");
  }
}
