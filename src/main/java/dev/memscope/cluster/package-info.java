/** Density clustering of generations ({@link dev.memscope.cluster.Dbscan}) on a pluggable distance. */
package dev.memscope.cluster;
