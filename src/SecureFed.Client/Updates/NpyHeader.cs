// The header dictionary of a .npy file (numpy/lib/format.py, "Format Version 1.0"): a Python
// literal of a dict with the keys 'descr', 'fortran_order' and 'shape', in any order. numpy
// reads it with ast.literal_eval; this parser accepts only the subset a simple dtype needs:
// quoted strings without escapes, True and False, and tuples of non-negative integers, with an
// optional trailing comma, followed by nothing but spaces and newlines.

using System.Globalization;

namespace SecureFed.Client.Updates;

/// <summary>The three entries of a <c>.npy</c> header.</summary>
/// <param name="Descr">The dtype description, such as <c>&lt;f4</c>.</param>
/// <param name="FortranOrder">Whether the data is in Fortran (column-major) order.</param>
/// <param name="Shape">The dimensions; empty for a scalar.</param>
internal sealed record NpyHeader(string Descr, bool FortranOrder, IReadOnlyList<long> Shape)
{
    private const int MaxDimensions = 64;

    /// <summary>Parses a header dictionary.</summary>
    /// <exception cref="FormatException">The text is not such a dictionary; the message says
    /// where and why.</exception>
    public static NpyHeader Parse(string text)
    {
        var parser = new Parser(text);
        return parser.ParseDictionary();
    }

    private sealed class Parser(string text)
    {
        private int _at;

        public NpyHeader ParseDictionary()
        {
            string? descr = null;
            bool? fortranOrder = null;
            List<long>? shape = null;

            SkipSpace();
            Expect('{');
            SkipSpace();
            while (Peek() != '}')
            {
                string key = ParseString();
                SkipSpace();
                Expect(':');
                SkipSpace();
                switch (key)
                {
                    case "descr" when descr is null:
                        descr = Peek() is '\'' or '"'
                            ? ParseString()
                            : throw Error("'descr' must be a string (a simple dtype)");
                        break;
                    case "fortran_order" when fortranOrder is null:
                        fortranOrder = ParseBoolean();
                        break;
                    case "shape" when shape is null:
                        shape = ParseShape();
                        break;
                    case "descr" or "fortran_order" or "shape":
                        throw Error($"the key '{key}' appears twice");
                    default:
                        throw Error($"unexpected key '{key}'");
                }

                SkipSpace();
                if (Peek() == ',')
                {
                    _at++;
                    SkipSpace();
                }
                else if (Peek() != '}')
                {
                    throw Error("expected ',' or '}'");
                }
            }

            _at++;
            SkipSpace();
            if (_at != text.Length)
            {
                throw Error("unexpected text after the dictionary");
            }

            if (descr is null || fortranOrder is null || shape is null)
            {
                throw new FormatException(
                    "the dictionary must hold 'descr', 'fortran_order' and 'shape'.");
            }

            return new NpyHeader(descr, fortranOrder.Value, shape);
        }

        private string ParseString()
        {
            char quote = Peek();
            if (quote is not ('\'' or '"'))
            {
                throw Error("expected a quoted string");
            }

            int start = ++_at;
            while (_at < text.Length && text[_at] != quote)
            {
                if (text[_at] is '\\' or '\n')
                {
                    throw Error("escapes and line breaks are not accepted in a string");
                }

                _at++;
            }

            if (_at == text.Length)
            {
                throw Error("the string is not closed");
            }

            return text[start.._at++];
        }

        private bool ParseBoolean()
        {
            if (string.CompareOrdinal(text, _at, "True", 0, 4) == 0)
            {
                _at += 4;
                return true;
            }

            if (string.CompareOrdinal(text, _at, "False", 0, 5) == 0)
            {
                _at += 5;
                return false;
            }

            throw Error("'fortran_order' must be True or False");
        }

        private List<long> ParseShape()
        {
            var shape = new List<long>();
            Expect('(');
            SkipSpace();
            while (Peek() != ')')
            {
                if (shape.Count == MaxDimensions)
                {
                    throw Error($"the shape has more than {MaxDimensions} dimensions");
                }

                shape.Add(ParseDimension());
                SkipSpace();
                if (Peek() == ',')
                {
                    _at++;
                    SkipSpace();
                }
                else if (Peek() != ')')
                {
                    throw Error("expected ',' or ')' in the shape");
                }
                else if (shape.Count == 1)
                {
                    // Python reads (5) as the integer 5, not a tuple.
                    throw Error("a one-dimensional shape is written (n,)");
                }
            }

            _at++;
            return shape;
        }

        private long ParseDimension()
        {
            int start = _at;
            while (_at < text.Length && char.IsAsciiDigit(text[_at]))
            {
                _at++;
            }

            if (_at == start)
            {
                throw Error("a dimension must be a non-negative integer");
            }

            if (!long.TryParse(
                text.AsSpan(start, _at - start), NumberStyles.None, CultureInfo.InvariantCulture,
                out long value))
            {
                throw Error("a dimension is too large");
            }

            return value;
        }

        private void Expect(char c)
        {
            if (Peek() != c)
            {
                throw Error($"expected '{c}'");
            }

            _at++;
        }

        private char Peek() => _at < text.Length ? text[_at] : '\0';

        private void SkipSpace()
        {
            while (_at < text.Length && text[_at] is ' ' or '\n')
            {
                _at++;
            }
        }

        private FormatException Error(string what) =>
            new(string.Create(CultureInfo.InvariantCulture, $"{what} at character {_at}."));
    }
}
