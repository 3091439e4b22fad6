using System.Globalization;
using System.Text.Json.Nodes;

namespace ActorCluster.Workloads.Csv;

/// <summary>
/// One group's sum of one column, exact and independent of the order rows and chunks are added in: integers
/// add up in a long (moving into the decimal when that would overflow), other numbers in a decimal, which holds
/// every value a CSV writes with up to 28 significant digits exactly. Only a value beyond decimal's range
/// (|x| >= 7.9e28) falls back to a double, and then the result is a double.
/// </summary>
internal struct CsvSum
{
    private const NumberStyles IntegerStyle = NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite | NumberStyles.AllowLeadingSign;

    public long Integer;
    public decimal Decimal;
    public double Double;

    /// <summary>1: a value was not an integer; 2: a value (or the decimal sum) went beyond decimal's range.</summary>
    public byte Kinds;

    /// <summary>Parses one field the way sqlite reads a number (an integer, a decimal or an exponent form); false when it is none.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out CsvSum value)
    {
        value = default;
        if (long.TryParse(text, IntegerStyle, CultureInfo.InvariantCulture, out value.Integer))
            return true;
        value.Kinds = 1;
        if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value.Decimal))
            return true;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value.Double) && double.IsFinite(value.Double))
        {
            value.Kinds = 3;
            return true;
        }
        return false;
    }

    public void Add(in CsvSum other)
    {
        var sum = unchecked(Integer + other.Integer);
        if (((Integer ^ sum) & (other.Integer ^ sum)) < 0)
        {
            AddDecimal(Integer);
            AddDecimal(other.Integer);
            Integer = 0;
        }
        else
            Integer = sum;
        if (other.Decimal != 0) AddDecimal(other.Decimal);
        Double += other.Double;
        Kinds |= other.Kinds;
    }

    private void AddDecimal(decimal value)
    {
        try
        {
            Decimal += value;
        }
        catch (OverflowException)
        {
            Double += (double)value;
            Kinds |= 2;
        }
    }

    /// <summary>The sum as report.json shows it: a whole number when every value was one, else a decimal, else a double.</summary>
    public readonly JsonNode ToJson()
    {
        decimal total;
        try
        {
            total = Decimal + Integer;
        }
        catch (OverflowException)
        {
            return JsonValue.Create((double)Decimal + Integer + Double);
        }
        if ((Kinds & 2) != 0)
            return JsonValue.Create((double)total + Double);
        if (Kinds == 0 && total >= long.MinValue && total <= long.MaxValue)
            return JsonValue.Create((long)total);
        // Dividing by 1.000... drops the trailing zeros that adding "1.50" and "2.50" leaves (4.00 -> 4).
        return JsonValue.Create(total / 1.000000000000000000000000000000000m);
    }

    public readonly void Write(BinaryWriter writer)
    {
        writer.Write(Kinds);
        writer.Write(Integer);
        writer.Write(Decimal);
        writer.Write(Double);
    }

    public static CsvSum Read(BinaryReader reader)
    {
        var kinds = reader.ReadByte();
        return new CsvSum { Kinds = kinds, Integer = reader.ReadInt64(), Decimal = reader.ReadDecimal(), Double = reader.ReadDouble() };
    }
}
