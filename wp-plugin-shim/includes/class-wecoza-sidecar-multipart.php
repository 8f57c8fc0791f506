<?php
/**
 * A multipart/form-data body rebuilt from what PHP parsed.
 *
 * @package WeCoza_Sidecar_Shim
 */

defined( 'ABSPATH' ) || exit;

/**
 * Builds a multipart/form-data body byte by byte from PHP's parsed $_POST and $_FILES,
 * restoring PHP-style names (a[b][c], a[0]) for nested arrays.
 */
class WeCoza_Sidecar_Multipart {

	/**
	 * Boundary.
	 *
	 * @var string
	 */
	private $boundary;

	/**
	 * Encoded parts so far.
	 *
	 * @var string[]
	 */
	private $parts = array();

	/**
	 * Constructor.
	 */
	public function __construct() {
		$this->boundary = '----WeCozaSidecarShim' . bin2hex( random_bytes( 16 ) );
	}

	/**
	 * The content type with the boundary.
	 *
	 * @return string
	 */
	public function content_type() {
		return 'multipart/form-data; boundary=' . $this->boundary;
	}

	/**
	 * Adds every field of an (unslashed) $_POST-shaped array.
	 *
	 * @param array $fields Fields.
	 * @return void
	 */
	public function add_fields( array $fields ) {
		foreach ( $fields as $name => $value ) {
			$this->add_field_value( (string) $name, $value );
		}
	}

	/**
	 * Adds every file of a $_FILES-shaped array.
	 *
	 * @param array $files Files.
	 * @return void
	 */
	public function add_uploads( array $files ) {
		foreach ( $files as $name => $spec ) {
			if ( ! is_array( $spec ) || ! array_key_exists( 'name', $spec ) ) {
				continue;
			}
			$this->add_upload_tree(
				(string) $name,
				$spec['name'],
				$spec['type'] ?? '',
				$spec['tmp_name'] ?? '',
				$spec['error'] ?? UPLOAD_ERR_NO_FILE
			);
		}
	}

	/**
	 * The body, ending with the closing boundary.
	 *
	 * @return string
	 */
	public function body() {
		return implode( '', $this->parts ) . '--' . $this->boundary . "--\r\n";
	}

	/**
	 * Adds a value under a name, descending into arrays.
	 *
	 * @param string $name  PHP-style name so far.
	 * @param mixed  $value Value.
	 * @return void
	 */
	private function add_field_value( $name, $value ) {
		if ( is_array( $value ) ) {
			foreach ( $value as $key => $child ) {
				$this->add_field_value( $name . '[' . $key . ']', $child );
			}
			return;
		}
		if ( is_object( $value ) ) {
			return;
		}
		$this->parts[] = '--' . $this->boundary . "\r\n"
			. 'Content-Disposition: form-data; name="' . self::quote( $name ) . "\"\r\n\r\n"
			. (string) $value . "\r\n";
	}

	/**
	 * Adds the files of one $_FILES entry; its name/type/tmp_name/error trees have the same shape.
	 *
	 * @param string $name     PHP-style name so far.
	 * @param mixed  $names    Client file name(s).
	 * @param mixed  $types    Client content type(s).
	 * @param mixed  $tmp      Temporary path(s).
	 * @param mixed  $errors   Upload error code(s).
	 * @return void
	 */
	private function add_upload_tree( $name, $names, $types, $tmp, $errors ) {
		if ( is_array( $names ) ) {
			foreach ( $names as $key => $child ) {
				$this->add_upload_tree(
					$name . '[' . $key . ']',
					$child,
					is_array( $types ) ? ( $types[ $key ] ?? '' ) : '',
					is_array( $tmp ) ? ( $tmp[ $key ] ?? '' ) : '',
					is_array( $errors ) ? ( $errors[ $key ] ?? UPLOAD_ERR_NO_FILE ) : UPLOAD_ERR_NO_FILE
				);
			}
			return;
		}

		$error   = (int) $errors;
		$type    = WeCoza_Sidecar_Channel::header_safe( is_string( $types ) ? $types : '' );
		$content = '';
		$extra   = '';
		if ( UPLOAD_ERR_OK === $error && is_string( $tmp ) && '' !== $tmp && is_uploaded_file( $tmp ) ) {
			// phpcs:ignore Generic.PHP.ForbiddenFunctions.FoundWithAlternative -- PHP's upload temp file.
			$content = (string) file_get_contents( $tmp );
		} elseif ( UPLOAD_ERR_NO_FILE === $error ) {
			// An empty file input: browsers send an empty part with an empty file name.
			$names = '';
		} else {
			// PHP refused the file (size limit, partial upload...): tell the sidecar instead of sending bytes.
			$extra = 'X-WeCoza-Upload-Error: ' . ( UPLOAD_ERR_OK === $error ? 'not_uploaded' : $error ) . "\r\n";
		}

		$this->parts[] = '--' . $this->boundary . "\r\n"
			. 'Content-Disposition: form-data; name="' . self::quote( $name ) . '"; filename="' . self::quote( (string) $names ) . "\"\r\n"
			. 'Content-Type: ' . ( '' !== $type ? $type : 'application/octet-stream' ) . "\r\n"
			. $extra
			. "\r\n"
			. $content . "\r\n";
	}

	/**
	 * A name or file name inside a quoted Content-Disposition parameter, escaped as browsers do.
	 *
	 * @param string $text Text.
	 * @return string
	 */
	private static function quote( $text ) {
		return str_replace( array( '"', "\r", "\n" ), array( '%22', '%0D', '%0A' ), $text );
	}
}
