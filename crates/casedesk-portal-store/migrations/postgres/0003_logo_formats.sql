-- The letterhead logo may be PNG or SVG (told apart by content), so its column no
-- longer names PNG.
ALTER TABLE letterhead RENAME COLUMN logo_png_base64 TO logo_base64;
