using System.Globalization;
using System.Text;

namespace SecureFed.Enclave.Tests.Metrics;

/// <summary>One sample line of the text format, its labels unescaped.</summary>
internal sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value)
{
    public string? Label(string name) => Labels.TryGetValue(name, out string? v) ? v : null;
}

/// <summary>
/// A strict reader of the Prometheus text format 0.0.4, written from the format's
/// description: it fails on anything the format does not allow, so a test that parses
/// the output checks the output's syntax.
/// </summary>
internal sealed class PrometheusTextParser
{
    public Dictionary<string, string> Types { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> Helps { get; } = new(StringComparer.Ordinal);

    public List<Sample> Samples { get; } = [];

    public static PrometheusTextParser Parse(string text)
    {
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", text, StringComparison.Ordinal);
        var parser = new PrometheusTextParser();
        foreach (string line in text[..^1].Split('\n'))
        {
            parser.ParseLine(line);
        }

        return parser;
    }

    public IEnumerable<Sample> Named(string name) => Samples.Where(s => s.Name == name);

    public double Value(string name, params (string Name, string Value)[] labels) =>
        Assert.Single(Samples, s => s.Name == name && labels.All(l => s.Label(l.Name) == l.Value)
            && s.Labels.Count == labels.Length).Value;

    private void ParseLine(string line)
    {
        Assert.NotEqual("", line);
        if (line.StartsWith("# HELP ", StringComparison.Ordinal))
        {
            string rest = line["# HELP ".Length..];
            int space = rest.IndexOf(' ', StringComparison.Ordinal);
            string name = rest[..space];
            CheckName(name);
            Assert.False(Helps.ContainsKey(name), $"second HELP for {name}");
            Helps[name] = rest[(space + 1)..];
            return;
        }

        if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
        {
            string[] parts = line["# TYPE ".Length..].Split(' ');
            Assert.Equal(2, parts.Length);
            CheckName(parts[0]);
            Assert.Contains(parts[1], new[] { "counter", "gauge", "histogram", "summary", "untyped" });
            Assert.False(Types.ContainsKey(parts[0]), $"second TYPE for {parts[0]}");
            Assert.False(Samples.Any(s => FamilyOf(s.Name) == parts[0]), $"TYPE after samples of {parts[0]}");
            Types[parts[0]] = parts[1];
            return;
        }

        Assert.False(line.StartsWith('#'), $"unexpected comment: {line}");
        Samples.Add(ParseSample(line));
    }

    private Sample ParseSample(string line)
    {
        int i = 0;
        while (i < line.Length && line[i] != '{' && line[i] != ' ')
        {
            i++;
        }

        string name = line[..i];
        CheckName(name);
        string family = FamilyOf(name);
        Assert.True(Types.ContainsKey(family), $"sample {name} before its TYPE line");

        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (line[i] == '{')
        {
            i++;
            while (line[i] != '}')
            {
                int eq = line.IndexOf('=', i);
                string label = line[i..eq];
                CheckName(label);
                Assert.Equal('"', line[eq + 1]);
                i = eq + 2;
                var value = new StringBuilder();
                while (line[i] != '"')
                {
                    if (line[i] == '\\')
                    {
                        i++;
                        value.Append(line[i] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            _ => throw new FormatException($"bad escape \\{line[i]} in {line}"),
                        });
                    }
                    else
                    {
                        Assert.NotEqual('\n', line[i]);
                        value.Append(line[i]);
                    }

                    i++;
                }

                Assert.True(labels.TryAdd(label, value.ToString()), $"label {label} twice");
                i++;
                if (line[i] == ',')
                {
                    i++;
                }
            }

            i++;
        }

        Assert.Equal(' ', line[i]);
        string number = line[(i + 1)..];
        double parsed = number switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            _ => double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new Sample(name, labels, parsed);
    }

    private string FamilyOf(string sampleName)
    {
        foreach (string suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (sampleName.EndsWith(suffix, StringComparison.Ordinal))
            {
                string family = sampleName[..^suffix.Length];
                if (Types.TryGetValue(family, out string? type) && type == "histogram")
                {
                    return family;
                }
            }
        }

        return sampleName;
    }

    private static void CheckName(string name)
    {
        Assert.Matches(@"\A[a-zA-Z_:][a-zA-Z0-9_:]*\z", name);
    }
}
