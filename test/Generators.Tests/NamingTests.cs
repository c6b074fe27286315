namespace MigrationFormat.Generators.Tests;

/// <summary>How C# identifiers become wire names and spec names.</summary>
public class NamingTests
{
    [Theory]
    [InlineData("_divider", "divider")]
    [InlineData("_txCount", "tx_count")]
    [InlineData("TxCount", "tx_count")]
    [InlineData("_tx_count", "tx_count")]
    [InlineData("IIRValue", "iir_value")]
    [InlineData("_cmosRAM", "cmos_ram")]
    [InlineData("_fifo2Level", "fifo2_level")]
    [InlineData("_", "")]
    public void ToSnakeCase_Identifier_GivesTheWireName(string identifier, string expected)
    {
        Assert.Equal(expected, Naming.ToSnakeCase(identifier));
    }

    [Theory]
    [InlineData("_txCount", "TxCount")]
    [InlineData("fifo_timeout", "FifoTimeout")]
    [InlineData("serial/tsr", "SerialTsr")]
    [InlineData("2nd", "F2nd")]
    [InlineData("@event", "Event")]
    public void ToPascalCase_Name_GivesASpecIdentifier(string name, string expected)
    {
        Assert.Equal(expected, Naming.ToPascalCase(name));
    }
}
