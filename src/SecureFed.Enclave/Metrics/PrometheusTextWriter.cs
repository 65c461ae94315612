// The Prometheus text exposition format, version 0.0.4 (prometheus.io, "Exposition
// formats"): UTF-8 lines ended by '\n'; per family "# HELP name text" (backslash and line
// feed escaped as \\ and \n) and "# TYPE name counter|gauge|histogram", then its samples
// "name{label="value",...} value". Label values escape backslash, double quote and line
// feed (\\, \", \n). Values are Go-style floats: +Inf, -Inf and NaN spelled so.

using System.Globalization;
using System.Text;

namespace SecureFed.Enclave.Metrics;

/// <summary>Writes metric families in the Prometheus text format 0.0.4.</summary>
internal sealed class PrometheusTextWriter(StringBuilder output)
{
    public void WriteFamily(string name, string type, string help)
    {
        output.Append("# HELP ").Append(name).Append(' ');
        AppendEscapedHelp(output, help);
        output.Append('\n');
        output.Append("# TYPE ").Append(name).Append(' ').Append(type).Append('\n');
    }

    public void WriteSample(string name, long value) =>
        WriteSample(name, [], FormatValue(value));

    public void WriteSample(string name, ReadOnlySpan<(string Name, string Value)> labels, long value) =>
        WriteSample(name, labels, FormatValue(value));

    public void WriteSample(string name, ReadOnlySpan<(string Name, string Value)> labels, double value) =>
        WriteSample(name, labels, FormatValue(value));

    internal static string EscapeLabelValue(string value)
    {
        var escaped = new StringBuilder(value.Length);
        foreach (char c in value)
        {
            switch (c)
            {
                case '\\': escaped.Append(@"\\"); break;
                case '"': escaped.Append("\\\""); break;
                case '\n': escaped.Append(@"\n"); break;
                default: escaped.Append(c); break;
            }
        }

        return escaped.ToString();
    }

    internal static string FormatValue(double value)
    {
        if (double.IsPositiveInfinity(value))
        {
            return "+Inf";
        }

        if (double.IsNegativeInfinity(value))
        {
            return "-Inf";
        }

        if (double.IsNaN(value))
        {
            return "NaN";
        }

        // "R" is the shortest text that parses back to the same double.
        return value.ToString("R", CultureInfo.InvariantCulture);
    }

    internal static string FormatValue(long value) => value.ToString(CultureInfo.InvariantCulture);

    private void WriteSample(string name, ReadOnlySpan<(string Name, string Value)> labels, string value)
    {
        output.Append(name);
        if (!labels.IsEmpty)
        {
            output.Append('{');
            for (int i = 0; i < labels.Length; i++)
            {
                if (i > 0)
                {
                    output.Append(',');
                }

                output.Append(labels[i].Name).Append("=\"").Append(EscapeLabelValue(labels[i].Value)).Append('"');
            }

            output.Append('}');
        }

        output.Append(' ').Append(value).Append('\n');
    }

    private static void AppendEscapedHelp(StringBuilder output, string help)
    {
        foreach (char c in help)
        {
            switch (c)
            {
                case '\\': output.Append(@"\\"); break;
                case '\n': output.Append(@"\n"); break;
                default: output.Append(c); break;
            }
        }
    }
}
