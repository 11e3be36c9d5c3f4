package dev.memscope.report;

/** Horizontal alignment of a table column, honoured by both the console and the Markdown rendering. */
public enum Align {
    LEFT, RIGHT, CENTER
}
