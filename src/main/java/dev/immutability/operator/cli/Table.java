package dev.immutability.operator.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Columns as kubectl get prints them: upper-case headers, left-aligned, three spaces apart. */
final class Table {
  private final List<List<String>> rows = new ArrayList<>();

  Table(String... headers) {
    rows.add(List.of(headers));
  }

  Table row(String... cells) {
    rows.add(List.of(cells));
    return this;
  }

  boolean isEmpty() {
    return rows.size() == 1;
  }

  void print(PrintStream out, String indent) {
    int columns = rows.get(0).size();
    int[] widths = new int[columns];
    rows.forEach(row -> {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    });
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder(indent);
      for (int i = 0; i < columns; i++) {
        line.append(i == columns - 1 ? row.get(i) : String.format("%-" + (widths[i] + 3) + "s", row.get(i)));
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
