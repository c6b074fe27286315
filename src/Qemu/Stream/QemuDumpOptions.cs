namespace MigrationFormat.Qemu;

/// <summary>Choices for <see cref="QemuStreamDumper"/>.</summary>
public sealed class QemuDumpOptions
{
    /// <summary>Gets or sets the reader's limits and choices.</summary>
    public QemuStreamReaderOptions ReaderOptions { get; set; }

    /// <summary>Gets or sets a value indicating whether device fields are decoded and printed (default true).</summary>
    public bool ShowFields { get; set; } = true;

    /// <summary>Gets or sets how many bytes of a byte field are printed before it is cut short (default 32).</summary>
    public int MaxBytesShown { get; set; } = 32;

    /// <summary>Gets or sets how many elements of an array are printed before it is cut short (default 16).</summary>
    public int MaxArrayElements { get; set; } = 16;

    /// <summary>
    /// Gets or sets what describes a back-end's state found as a chunked blob (<see cref="QemuChunkedBlob"/>): given its
    /// joined contents, text printed under it (for example a decoded BER stream), or <see langword="null"/> for nothing.
    /// </summary>
    public System.Func<System.ReadOnlyMemory<byte>, string?>? DescribeChunkedBlob { get; set; }

    /// <summary>
    /// Gets or sets what describes a device section when the stream has no VM description to decode it with (a stream a
    /// device's own legacy save wrote, as <c>migfmt sample --format legacy</c> does): given the section, text printed under
    /// it (for example the state the device's code loads from it), or <see langword="null"/> when nothing knows the section.
    /// </summary>
    public System.Func<QemuSectionRecord, string?>? DescribeUndescribedSection { get; set; }
}
