package io.fedlink.tensor;

import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Reads a model saved by NumPy: an {@code .npz} archive ({@code numpy.savez} or {@code numpy.savez_compressed}, and
 * fedlink's own checkpoints) holds one {@code .npy} array per entry, taken in the archive's order (the order
 * {@code savez} wrote them: {@code arr_0, arr_1, ...}, or its keyword arguments' order); a single {@code .npy} file is a
 * model of one array. Entries that are not {@code .npy} arrays (a checkpoint's manifest and history) are skipped.
 */
public final class Npz {

    private static final byte[] ZIP_MAGIC = {'P', 'K'};

    private Npz() {
    }

    /**
     * The arrays of an {@code .npz} archive, or the one array of an {@code .npy} file.
     *
     * @param name names the source in error messages
     * @throws NpyFormatException naming the source and the entry if the bytes are neither, or hold no array
     * @throws IOException        if reading fails
     */
    public static List<NdArray> readModel(InputStream in, String name) throws IOException {
        byte[] bytes = in.readAllBytes();
        if (bytes.length >= 2 && bytes[0] == ZIP_MAGIC[0] && bytes[1] == ZIP_MAGIC[1]) {
            return readArchive(bytes, name);
        }
        try {
            return List.of(Npy.read(bytes));
        } catch (NpyFormatException e) {
            throw new NpyFormatException(name + " is neither an .npz archive nor an .npy array: " + e.getMessage(), e);
        }
    }

    private static List<NdArray> readArchive(byte[] bytes, String name) throws IOException {
        List<NdArray> arrays = new ArrayList<>();
        try (ZipInputStream zip = new ZipInputStream(new java.io.ByteArrayInputStream(bytes))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                if (!entry.getName().endsWith(".npy")) {
                    continue;
                }
                try {
                    arrays.add(Npy.read(zip.readAllBytes()));
                } catch (NpyFormatException e) {
                    throw new NpyFormatException(name + ", entry " + entry.getName() + ": " + e.getMessage(), e);
                }
            }
        } catch (ZipException e) {
            throw new NpyFormatException(name + " is not a readable .npz archive: " + e.getMessage(), e);
        }
        if (arrays.isEmpty()) {
            throw new NpyFormatException(name + " is an archive with no .npy array in it");
        }
        return arrays;
    }
}
