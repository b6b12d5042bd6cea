"""Every citizen-facing message of the card rules, keyed by its stable machine code.

One place, so the wording stays consistent and a translator finds everything at once. The texts are
Vietnamese source strings marked with ``gettext_noop``: this package must not import Django, and
Django's ``makemessages`` extracts the ``gettext_noop`` keyword anyway. The Django layer translates
at render time: ``gettext(error.message) % error.params`` (see ``InvalidValue.render``).

House rules for a message:
- say what to do, in the citizen's terms, not what the program checked;
- placeholders are ``%(name)s``; a message without parameters contains no ``%`` at all (the web
  layer only applies ``%`` when there are parameters);
- one line, no markup;
- QR messages never echo what was read: a scanned card is someone's personal data, and an error
  may end up in a log.
"""


def gettext_noop(message: str) -> str:
    """Marks a literal for translation without translating it (Django's convention, without Django)."""
    return message


MESSAGES: dict[str, str] = {
    # Họ và tên
    "full_name_required": gettext_noop(
        "Nhập họ và tên của bạn, đúng như trên giấy tờ tùy thân."
    ),
    "full_name_too_short": gettext_noop(
        "Họ và tên quá ngắn. Nhập đầy đủ họ, chữ đệm và tên như trên giấy tờ tùy thân."
    ),
    "full_name_too_long": gettext_noop(
        "Họ và tên dài tối đa %(limit)s ký tự; bạn đã nhập %(count)s ký tự."
    ),
    "full_name_digits": gettext_noop(
        "Họ và tên không được có chữ số. Nhập họ tên bằng chữ, như trên giấy tờ tùy thân."
    ),
    "full_name_symbols": gettext_noop(
        "Họ và tên có ký tự không dùng được: %(characters)s. Chỉ dùng chữ cái và dấu cách "
        "(tên nước ngoài có thể có dấu nháy ' hoặc dấu gạch nối -)."
    ),
    "full_name_misplaced_punctuation": gettext_noop(
        "Dấu nháy ' và dấu gạch nối - trong họ tên phải nằm giữa hai chữ cái, ví dụ O'Brien hoặc Jean-Pierre."
    ),
    "full_name_not_latin": gettext_noop(
        "Nhập họ tên bằng chữ cái tiếng Việt hoặc chữ La-tinh, như trên giấy tờ tùy thân hoặc hộ chiếu."
    ),
    # Mã số BHXH và số thẻ BHYT
    "social_insurance_number_required": gettext_noop(
        "Nhập mã số BHXH gồm 10 chữ số."
    ),
    "social_insurance_number_not_digits": gettext_noop(
        "Mã số BHXH chỉ gồm chữ số. Nhập 10 chữ số in trên thẻ BHYT hoặc sổ BHXH."
    ),
    "social_insurance_number_length": gettext_noop(
        "Mã số BHXH gồm đúng 10 chữ số; bạn đã nhập %(count)s chữ số."
    ),
    "social_insurance_number_is_bhyt_card": gettext_noop(
        "Đây là số thẻ BHYT mẫu cũ (15 ký tự). Mã số BHXH của bạn là 10 chữ số cuối: %(number)s."
    ),
    "bhyt_card_number_required": gettext_noop(
        "Nhập số thẻ BHYT."
    ),
    "bhyt_card_number_format": gettext_noop(
        "Số thẻ BHYT gồm 10 chữ số (thẻ mẫu mới), hoặc 15 ký tự gồm 2 chữ cái rồi 13 chữ số "
        "(thẻ mẫu cũ, ví dụ HS4010120878811)."
    ),
    "bhyt_benefit_level": gettext_noop(
        "Chữ số thứ ba của số thẻ BHYT là mức hưởng, chỉ từ 1 đến 5; số bạn nhập có %(level)s. "
        "Hãy kiểm tra lại số thẻ."
    ),
    # Giấy tờ tùy thân
    "id_document_type": gettext_noop(
        "Chọn loại giấy tờ tùy thân: CCCD, CMND hoặc hộ chiếu."
    ),
    "cccd_required": gettext_noop(
        "Nhập số CCCD gồm 12 chữ số."
    ),
    "cccd_not_digits": gettext_noop(
        "Số CCCD chỉ gồm chữ số. Nhập 12 chữ số in trên thẻ."
    ),
    "cccd_length": gettext_noop(
        "Số CCCD gồm đúng 12 chữ số; bạn đã nhập %(count)s chữ số."
    ),
    "cccd_looks_like_cmnd": gettext_noop(
        "Số bạn nhập có 9 chữ số, đó là số CMND. Hãy chọn loại giấy tờ CMND, hoặc nhập số CCCD 12 chữ số."
    ),
    "cccd_place_code": gettext_noop(
        "Ba chữ số đầu của số CCCD (%(place_code)s) không phải mã tỉnh nơi đăng ký khai sinh. "
        "Hãy kiểm tra lại số CCCD."
    ),
    "cccd_century_mismatch": gettext_noop(
        "Số CCCD cho biết người mang thẻ sinh trong các năm %(card_first_year)s–%(card_last_year)s, "
        "nhưng năm sinh đã khai là %(declared_year)s. Hãy kiểm tra lại số CCCD hoặc ngày sinh."
    ),
    "cccd_birth_year_mismatch": gettext_noop(
        "Số CCCD cho biết năm sinh %(card_year)s, nhưng năm sinh đã khai là %(declared_year)s. "
        "Hãy kiểm tra lại số CCCD hoặc ngày sinh."
    ),
    "cccd_sex_mismatch": gettext_noop(
        "Chữ số thứ tư của số CCCD không khớp với giới tính đã khai. Hãy kiểm tra lại số CCCD hoặc giới tính."
    ),
    "cmnd_required": gettext_noop(
        "Nhập số CMND gồm 9 hoặc 12 chữ số."
    ),
    "cmnd_not_digits": gettext_noop(
        "Số CMND chỉ gồm chữ số. Nhập 9 hoặc 12 chữ số in trên giấy CMND."
    ),
    "cmnd_length": gettext_noop(
        "Số CMND gồm 9 hoặc 12 chữ số; bạn đã nhập %(count)s chữ số."
    ),
    "passport_required": gettext_noop(
        "Nhập số hộ chiếu."
    ),
    "passport_characters": gettext_noop(
        "Số hộ chiếu chỉ gồm chữ cái không dấu và chữ số, ví dụ C1234567."
    ),
    "passport_length": gettext_noop(
        "Số hộ chiếu gồm từ 6 đến 12 chữ cái và chữ số; bạn đã nhập %(count)s ký tự."
    ),
    # Ngày sinh
    "date_required": gettext_noop(
        "Nhập ngày sinh: ngày, tháng và năm."
    ),
    "date_day_missing": gettext_noop(
        "Nhập ngày sinh (từ 1 đến 31)."
    ),
    "date_month_missing": gettext_noop(
        "Nhập tháng sinh (từ 1 đến 12)."
    ),
    "date_year_missing": gettext_noop(
        "Nhập năm sinh gồm 4 chữ số, ví dụ 1985."
    ),
    "date_day_invalid": gettext_noop(
        "Ngày sinh là một số từ 1 đến 31."
    ),
    "date_month_invalid": gettext_noop(
        "Tháng sinh là một số từ 1 đến 12."
    ),
    "date_year_format": gettext_noop(
        "Nhập năm sinh đủ 4 chữ số, ví dụ 1985."
    ),
    "date_not_a_date": gettext_noop(
        "Ngày %(day)s/%(month)s/%(year)s không có trên lịch. Hãy kiểm tra lại ngày và tháng sinh."
    ),
    "date_in_future": gettext_noop(
        "Ngày sinh không thể sau ngày hôm nay. Hãy kiểm tra lại năm sinh."
    ),
    "date_too_old": gettext_noop(
        "Theo ngày sinh này, bạn đã hơn %(limit)s tuổi. Hãy kiểm tra lại năm sinh."
    ),
    # Số điện thoại di động
    "mobile_required": gettext_noop(
        "Nhập số điện thoại di động. Mật khẩu sẽ được gửi đến số này bằng tin nhắn."
    ),
    "mobile_characters": gettext_noop(
        "Số điện thoại chỉ gồm chữ số, ví dụ 0912 345 678."
    ),
    "mobile_not_vietnamese": gettext_noop(
        "Nhập số di động Việt Nam (bắt đầu bằng 0 hoặc +84): mật khẩu chỉ gửi được bằng tin nhắn "
        "đến số di động trong nước."
    ),
    "mobile_old_11_digit": gettext_noop(
        "Số di động 11 chữ số đã được chuyển sang 10 chữ số từ năm 2018. Số mới của bạn là "
        "%(new_number)s, hãy nhập số này."
    ),
    "mobile_landline": gettext_noop(
        "Đây là số điện thoại cố định. Nhập số di động để nhận mật khẩu bằng tin nhắn."
    ),
    "mobile_length": gettext_noop(
        "Số di động gồm 10 chữ số, bắt đầu bằng số 0; bạn đã nhập %(count)s chữ số."
    ),
    "mobile_prefix": gettext_noop(
        "Số di động Việt Nam bắt đầu bằng 03, 05, 07, 08 hoặc 09. Hãy kiểm tra lại số đã nhập."
    ),
    "mobile_not_in_use": gettext_noop(
        "Số %(number)s không thuộc dải số di động đang dùng ở Việt Nam. Hãy kiểm tra lại số đã nhập."
    ),
    # Email
    "email_required": gettext_noop(
        "Nhập địa chỉ email."
    ),
    "email_too_long": gettext_noop(
        "Địa chỉ email dài tối đa %(limit)s ký tự; bạn đã nhập %(count)s ký tự."
    ),
    "email_at_sign": gettext_noop(
        "Địa chỉ email có đúng một dấu @, ví dụ ten@gmail.com."
    ),
    "email_local_part": gettext_noop(
        "Phần trước dấu @ chỉ gồm chữ cái không dấu, chữ số và các dấu . _ - +, "
        "không bắt đầu, kết thúc hay lặp hai dấu chấm."
    ),
    "email_local_part_too_long": gettext_noop(
        "Phần trước dấu @ dài tối đa %(limit)s ký tự."
    ),
    "email_domain": gettext_noop(
        "Phần sau dấu @ phải là một tên miền, ví dụ gmail.com. Hãy kiểm tra lại."
    ),
    # Mã QR (common)
    "qr_empty": gettext_noop(
        "Mã QR không có nội dung. Hãy quét lại."
    ),
    "qr_encoding": gettext_noop(
        "Nội dung mã QR bị đọc sai bảng mã. Hãy quét lại, hoặc nhập thông tin bằng tay."
    ),
    "qr_unknown_kind": gettext_noop(
        "Đây không phải mã QR trên thẻ CCCD hay thẻ BHYT. Hãy quét đúng mã QR in trên thẻ."
    ),
    # Mã QR thẻ CCCD
    "cccd_qr_field_count": gettext_noop(
        "Mã QR thẻ CCCD thiếu thông tin (đọc được %(count)s mục, cần ít nhất 7). Hãy quét lại."
    ),
    "cccd_qr_id_number": gettext_noop(
        "Số CCCD trong mã QR không hợp lệ. Hãy quét lại, hoặc nhập thông tin bằng tay."
    ),
    "cccd_qr_id_number_mismatch": gettext_noop(
        "Số CCCD trong mã QR không khớp với ngày sinh hoặc giới tính ghi trong cùng mã. "
        "Hãy quét lại, hoặc nhập thông tin bằng tay."
    ),
    "cccd_qr_old_id_number": gettext_noop(
        "Số CMND cũ trong mã QR thẻ CCCD không hợp lệ. Hãy quét lại."
    ),
    "cccd_qr_full_name": gettext_noop(
        "Mã QR thẻ CCCD không có họ tên. Hãy quét lại."
    ),
    "cccd_qr_date_of_birth": gettext_noop(
        "Ngày sinh trong mã QR thẻ CCCD không đọc được. Hãy quét lại."
    ),
    "cccd_qr_issue_date": gettext_noop(
        "Ngày cấp trong mã QR thẻ CCCD không đọc được. Hãy quét lại."
    ),
    "cccd_qr_sex": gettext_noop(
        "Giới tính trong mã QR thẻ CCCD không đọc được. Hãy quét lại."
    ),
    # Mã QR thẻ BHYT
    "bhyt_qr_field_count": gettext_noop(
        "Mã QR thẻ BHYT thiếu thông tin (đọc được %(count)s mục, cần ít nhất %(minimum)s). Hãy quét lại."
    ),
    "bhyt_qr_card_number": gettext_noop(
        "Số thẻ trong mã QR thẻ BHYT không hợp lệ. Hãy quét lại, hoặc nhập mã số BHXH bằng tay."
    ),
    "bhyt_qr_benefit_level": gettext_noop(
        "Mức hưởng trong số thẻ BHYT của mã QR không hợp lệ (chỉ từ 1 đến 5). Hãy quét lại."
    ),
    "bhyt_qr_date_of_birth": gettext_noop(
        "Ngày sinh trong mã QR thẻ BHYT không đọc được. Hãy quét lại."
    ),
    "bhyt_qr_sex": gettext_noop(
        "Giới tính trong mã QR thẻ BHYT không đọc được. Hãy quét lại."
    ),
    "bhyt_qr_clinic": gettext_noop(
        "Nơi đăng ký khám chữa bệnh ban đầu trong mã QR thẻ BHYT không đọc được. Hãy quét lại."
    ),
    "bhyt_qr_valid_from": gettext_noop(
        "Ngày bắt đầu hạn thẻ trong mã QR thẻ BHYT không đọc được. Hãy quét lại."
    ),
    "bhyt_qr_valid_to": gettext_noop(
        "Ngày hết hạn thẻ trong mã QR thẻ BHYT không đọc được. Hãy quét lại."
    ),
    "bhyt_qr_issue_date": gettext_noop(
        "Ngày cấp trong mã QR thẻ BHYT không đọc được. Hãy quét lại."
    ),
    "bhyt_qr_validity_order": gettext_noop(
        "Hạn thẻ trong mã QR thẻ BHYT kết thúc trước khi bắt đầu. Hãy quét lại."
    ),
}
