using System;
using System.Buffers.Binary;
using System.Globalization;
using System.IO;
using System.Security.Cryptography;
using MigrationFormat.Visitors;

namespace MigrationFormat.Samples;

/// <summary>
/// A back-end's opaque state of any size, never held whole in memory: either generated (a deterministic pseudo-random
/// sequence from a seed, standing in for a large device state) or loaded into a temporary file that is deleted when
/// replaced or disposed. Every load computes the state's SHA-256, so two stores can be compared without their bytes.
/// </summary>
public sealed class BackendStateStore : IBlobState, IDisposable
{
    private ulong _seed;
    private string? _file;
    private string? _staged;
    private StagingStats? _stagedStats;

    private BackendStateStore(long length, ulong seed)
    {
        Length = length;
        _seed = seed;
    }

    /// <summary>Gets the state's length in bytes.</summary>
    public long Length { get; private set; }

    /// <summary>Gets the state's SHA-256, lower-case hex (computed when generated or loaded).</summary>
    public string Sha256 { get; private set; } = string.Empty;

    /// <summary>Creates a generated state.</summary>
    /// <param name="length">Its length in bytes.</param>
    /// <param name="seed">The generator's seed.</param>
    /// <returns>The store.</returns>
    public static BackendStateStore Generated(long length, ulong seed)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        var store = new BackendStateStore(length, seed);
        using Stream stream = store.OpenRead();
        store.Sha256 = Convert.ToHexStringLower(SHA256.HashData(stream));
        return store;
    }

    /// <summary>Creates an empty state (a destination's, before it loads).</summary>
    /// <returns>The store.</returns>
    public static BackendStateStore Empty() => Generated(0, 0);

    /// <inheritdoc/>
    public Stream OpenRead() => _file is not null
        ? new FileStream(_file, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan)
        : new GeneratedStream(Length, _seed);

    /// <inheritdoc/>
    public void Load(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        AbortLoad();
        string path = Path.Combine(Path.GetTempPath(), "migfmt-backend-state-" + Guid.NewGuid().ToString("N"));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long length = 0;
        try
        {
            using var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1);
            byte[] buffer = new byte[256 * 1024];
            int read;
            while ((read = source.Read(buffer, 0, buffer.Length)) > 0)
            {
                file.Write(buffer, 0, read);
                hash.AppendData(buffer, 0, read);
                length += read;
            }
        }
        catch
        {
            File.Delete(path);
            throw;
        }

        _staged = path;
        _stagedStats = new StagingStats(length, Convert.ToHexStringLower(hash.GetHashAndReset()));
    }

    /// <inheritdoc/>
    public void CommitLoad()
    {
        if (_staged is null || _stagedStats is null)
        {
            return;
        }

        DeleteFile();
        _file = _staged;
        Length = _stagedStats.Length;
        Sha256 = _stagedStats.Sha256;
        _seed = 0;
        _staged = null;
        _stagedStats = null;
    }

    /// <inheritdoc/>
    public void AbortLoad()
    {
        if (_staged is not null)
        {
            File.Delete(_staged);
        }

        _staged = null;
        _stagedStats = null;
    }

    /// <summary>Deletes the temporary files.</summary>
    public void Dispose()
    {
        AbortLoad();
        DeleteFile();
    }

    /// <inheritdoc/>
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Length} bytes, sha256 {Sha256}");

    private void DeleteFile()
    {
        if (_file is not null)
        {
            File.Delete(_file);
            _file = null;
        }
    }

    private sealed record StagingStats(long Length, string Sha256);

    /// <summary>xorshift64* output, eight bytes at a time, little-endian.</summary>
    private sealed class GeneratedStream(long length, ulong seed) : Stream
    {
        private ulong _state = seed ^ 0x9E3779B97F4A7C15UL;
        private long _position;
        private ulong _word;
        private int _wordLeft;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => length;

        public override long Position
        {
            get => _position;
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int count = (int)Math.Min(buffer.Length, length - _position);
            int i = 0;
            while (i < count && _wordLeft > 0)
            {
                buffer[i++] = (byte)_word;
                _word >>= 8;
                _wordLeft--;
            }

            while (count - i >= 8)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(buffer[i..], Next());
                i += 8;
            }

            if (i < count)
            {
                _word = Next();
                _wordLeft = 8;
                while (i < count)
                {
                    buffer[i++] = (byte)_word;
                    _word >>= 8;
                    _wordLeft--;
                }
            }

            _position += count;
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        private ulong Next()
        {
            _state ^= _state >> 12;
            _state ^= _state << 25;
            _state ^= _state >> 27;
            return _state * 0x2545F4914F6CDD1DUL;
        }
    }
}
