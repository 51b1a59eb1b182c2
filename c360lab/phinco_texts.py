"""What Phin & Co.'s customers write: templates of lost-deal reasons, survey comments, chat
messages and sales notes, keyed by the truth they express (the answer key keeps that key)."""

LOST_REASONS = {
    "price": ["Giá cao quá, bên khác báo rẻ hơn", "Chi phí vượt ngân sách của quán",
              "Anh thấy giá máy hơi chát, để so sánh thêm", "Bên kia giảm giá mạnh nên chọn bên kia",
              "Báo giá cao hơn dự kiến nhiều", "Khách chê đắt, xin thêm chiết khấu không được"],
    "no_time": ["Chưa có thời gian, để sau Tết tính", "Chủ quán bận quá chưa sắp xếp được",
                "Đang mùa cao điểm, không có thời gian học máy mới",
                "Hẹn lại mấy lần mà chị ấy không có thời gian", "Bận mở chi nhánh, để tháng sau"],
    "no_staff": ["Không có người biết pha máy espresso", "Nhân viên nghỉ việc liên tục, không ai vận hành",
                 "Quán thiếu nhân viên, không ai đi học barista được",
                 "Sợ nhân viên mới không dùng được máy", "Không có người đứng quầy để đào tạo"],
    "trust": ["Trước mua máy bên khác hỏng liên tục nên chưa tin",
              "Từng bị nhà cung cấp cũ bỏ rơi bảo hành, giờ rất ngại",
              "Công ty chưa tin nhà cung cấp mới sau lần trước bị lừa",
              "Lần trước đổi nhà cung cấp thất bại, sếp không duyệt",
              "Chưa thấy tin tưởng, muốn xem khách hàng thực tế trước"],
    "cant_measure": ["Không biết đầu tư máy rồi có tăng doanh thu không",
                     "Chưa đo được hiệu quả khóa đào tạo", "Không rõ bao lâu thì hoàn vốn",
                     "Sếp hỏi lợi ích cụ thể mà không trả lời được"],
    "cost_fear": ["Sợ đầu tư sai, tiền lớn quá", "Ngại bỏ một khoản lớn lúc kinh tế khó khăn",
                  "Sợ mua về không dùng hết công suất", "Lo rủi ro khi đầu tư thiết bị đắt tiền"],
}

#: survey comments: Vietnamese, and a few in English
SURVEY_COMMENTS = {
    "price": ["Giá hơi cao so với mặt bằng chung", "Cà phê ngon nhưng giá đắt quá",
              "Mong shop có thêm khuyến mãi, giá cao", "Giá tăng nhiều so với năm ngoái"],
    "delivery": ["Giao hàng chậm, đợi gần một tuần", "Shipper giao trễ hẹn",
                 "Đóng gói sơ sài, giao lâu", "Giao nhầm hàng, phải đổi lại"],
    "praise_quality": ["Cà phê thơm, rang vừa, rất ngon", "Hạt cà phê chất lượng, sẽ ủng hộ tiếp",
                       "Máy pha chạy êm, cà phê ngon", "Chất lượng ổn định, đậm vị"],
    "praise_service": ["Nhân viên tư vấn nhiệt tình, dễ thương", "Tư vấn kỹ, hỗ trợ nhanh",
                       "Chăm sóc khách hàng rất chu đáo", "Được hướng dẫn tận tình cách pha"],
    "machine_issue": ["Máy xay bị kẹt sau hai tuần", "Máy pha báo lỗi, phải gọi bảo hành",
                      "Máy hỏng vặt hoài, rất bực", "Máy rò nước, chờ sửa lâu"],
    "slow_response": ["Nhắn tin mãi không ai trả lời", "Gọi hotline không ai nghe máy",
                      "Phản hồi quá chậm, đợi cả ngày", "Inbox hỏi mà hôm sau mới trả lời"],
}
SURVEY_COMMENTS_EN = {
    "price": ["Good coffee but too expensive", "Prices went up a lot"],
    "delivery": ["Delivery was late", "Shipping took almost a week"],
    "praise_quality": ["Great beans, very fresh", "Excellent coffee quality"],
    "praise_service": ["Very helpful staff", "Friendly and quick support"],
    "machine_issue": ["The grinder broke after two weeks", "Machine keeps showing an error"],
    "slow_response": ["Nobody answered my messages", "Support is very slow to reply"],
}

INBOX = {
    "price_question": ["Shop ơi cho hỏi giá máy xay điện", "Giá bộ phin bao nhiêu ạ",
                       "Cà phê 1kg giá sao shop", "Báo giá máy pha espresso giúp em",
                       "Có bảng giá sỉ cho quán không ạ", "Giá khóa barista bao nhiêu vậy"],
    "product_question": ["Arabica với Robusta khác nhau sao ạ", "Máy này pha được cappuccino không",
                         "Hạt rang mộc hay rang bơ vậy shop", "Máy xay có chỉnh độ mịn không ạ"],
    "booking": ["Cho anh hẹn lịch tư vấn setup quầy bar", "Em muốn đặt lịch demo máy tại quán",
                "Bên mình qua khảo sát quán được không", "Đặt lịch tư vấn mở quán giúp chị"],
    "training_question": ["Khóa barista học mấy buổi ạ", "Lịch khai giảng khóa pha chế tháng sau",
                          "Có dạy kèm tại quán không shop"],
    "order_status": ["Đơn của chị giao chưa ạ", "Kiểm tra giúp em đơn hàng hôm qua",
                     "Bao giờ giao hàng vậy shop", "Đơn hàng đến đâu rồi ạ"],
    "complaint": ["Máy mới mua đã bị lỗi", "Cà phê giao bị ẩm", "Sao giao thiếu hàng vậy shop",
                  "Nhân viên hẹn qua sửa mà không thấy"],
    "follow_up": ["Dạ em cảm ơn", "Ok shop", "Để em suy nghĩ thêm", "Vâng ạ", "Shop còn đó không",
                  "Dạ", "Cảm ơn shop nhiều"],
}

#: short notes a sales rep types in the CRM "main barrier" field
BARRIER_NOTES = {
    "price": ["giá cao", "chê đắt", "so sánh giá"],
    "no_time": ["chưa có thời gian", "bận"],
    "no_staff": ["thiếu nhân viên", "không có người pha"],
    "trust": ["chưa tin", "từng bị NCC cũ làm ăn ẩu"],
    "cant_measure": ["chưa thấy hiệu quả", "hỏi ROI"],
    "cost_fear": ["sợ đầu tư sai", "ngại chi lớn"],
}
NEEDS = {
    "household": ["cà phê uống hằng ngày", "mua máy xay tại nhà", "quà tặng", "học pha cà phê"],
    "cafe": ["nguồn hạt ổn định cho quán", "setup quầy bar", "đào tạo barista", "máy espresso"],
    "office": ["cà phê cho văn phòng", "máy pha cho pantry", "hợp đồng bảo trì"],
    "restaurant_hotel": ["cà phê cho nhà hàng", "máy pha cho khách sạn", "đào tạo nhân viên"],
}
SALES_REPS = ("Nguyễn Thị Mai", "Trần Quốc Bảo", "Lê Hoàng Nam", "Phạm Thu Trang",
              "Võ Minh Khoa", "Đặng Ngọc Hân")
HONORIFIC_PREFIXES = ("Anh ơi, ", "Chị ơi, ", "Dạ ", "Shop ơi ", "")
POLITE_SUFFIXES = ("", " ạ", " nhé", "!", "...")
