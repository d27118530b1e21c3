"""Messages for the shop's error codes (aesp_app.services.shop.errors.ShopError), English and
Vietnamese, to be merged into the catalogues."""

from __future__ import annotations

EN: dict[str, str] = {
    "shop.cart_owner_invalid": "Your cart could not be identified. Please reload the page.",
    "shop.product_unavailable": "This product is not available for sale.",
    "shop.package_unavailable": "This package is not available for sale.",
    "shop.quantity_invalid": "The quantity must be between {min} and {max}.",
    "shop.cart_line_not_found": "That item is not in your cart.",
    "shop.cart_empty": "Your cart is empty.",
    "shop.cart_has_unavailable": "Some items are no longer available: {items}. Remove them to continue.",
    "shop.prerequisite_missing": "“{product}” requires that you first own: {required}.",
    "shop.payment_method_invalid": "Please choose a valid payment method.",
    "shop.amount_out_of_range": "{gateway} accepts payments from {min} to {max}.",
    "shop.payment_unavailable": "The payment service could not be reached. Please try again or choose another method.",
    "shop.order_not_found": "Order not found.",
    "shop.order_not_payable": "This order can no longer be paid.",
    "shop.order_not_paid": "This order has not been paid.",
    "shop.order_not_cancellable": "This order cannot be cancelled.",
    "shop.order_not_refundable": "Only a paid order can be refunded.",
    "shop.admin_required": "Only an administrator can do this.",
}

VI: dict[str, str] = {
    "shop.cart_owner_invalid": "Không xác định được giỏ hàng của bạn. Vui lòng tải lại trang.",
    "shop.product_unavailable": "Sản phẩm này hiện không được bán.",
    "shop.package_unavailable": "Gói này hiện không được bán.",
    "shop.quantity_invalid": "Số lượng phải từ {min} đến {max}.",
    "shop.cart_line_not_found": "Sản phẩm này không có trong giỏ hàng của bạn.",
    "shop.cart_empty": "Giỏ hàng của bạn đang trống.",
    "shop.cart_has_unavailable": "Một số sản phẩm không còn được bán: {items}. Vui lòng xóa chúng để tiếp tục.",
    "shop.prerequisite_missing": "“{product}” yêu cầu bạn đã sở hữu trước: {required}.",
    "shop.payment_method_invalid": "Vui lòng chọn một phương thức thanh toán hợp lệ.",
    "shop.amount_out_of_range": "{gateway} chỉ nhận thanh toán từ {min} đến {max}.",
    "shop.payment_unavailable": "Không kết nối được dịch vụ thanh toán. Vui lòng thử lại hoặc chọn phương thức khác.",
    "shop.order_not_found": "Không tìm thấy đơn hàng.",
    "shop.order_not_payable": "Đơn hàng này không thể thanh toán nữa.",
    "shop.order_not_paid": "Đơn hàng này chưa được thanh toán.",
    "shop.order_not_cancellable": "Không thể hủy đơn hàng này.",
    "shop.order_not_refundable": "Chỉ có thể hoàn tiền cho đơn hàng đã thanh toán.",
    "shop.admin_required": "Chỉ quản trị viên mới có thể thực hiện thao tác này.",
}
